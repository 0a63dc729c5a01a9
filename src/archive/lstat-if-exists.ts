import type { Stats } from 'node:fs';
import fs from 'node:fs/promises';

/** lstat that answers undefined for a path that does not exist (and throws for anything else). */
export async function lstatIfExists(target: string): Promise<Stats | undefined> {
  try {
    return await fs.lstat(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
