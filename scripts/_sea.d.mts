/** The strip command for CNB `arch` on this machine, or null when binutils for it is not installed. */
export function stripToolFor(arch: string): string | null;
