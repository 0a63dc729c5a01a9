/** The strip command for CNB `arch` on this machine, or null when binutils for it is not installed. */
export function stripToolFor(arch: string): string | null;

/** V8 flags baked into the executable (see scripts/_sea.mjs for why each). */
export const SEA_EXEC_ARGV: readonly string[];
