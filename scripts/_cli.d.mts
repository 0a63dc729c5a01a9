import type { ParseArgsConfig, parseArgs } from 'node:util';

/** node's parseArgs with --help/-h (prints `usage`, exits 0) and usage on a bad option (exits 2). */
export function parseCommandLine<T extends ParseArgsConfig>(
  config: T,
  usage: string,
): ReturnType<typeof parseArgs<T>>;
