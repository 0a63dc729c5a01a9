import type { Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { UnsafeArchiveError } from './unsafe-archive-error.js';
import { lstatIfExists } from './lstat-if-exists.js';

/**
 * Moves every file of `from` into `to` (both absolute), creating directories; refuses to write through a
 * symlink that already exists in `to` (a planted link from an earlier asset), and refuses when a file would
 * replace another asset's file; throws UnsafeArchiveError naming the path. `assetName` only labels messages
 * (default: the name of `from`).
 */
export async function mergeTree(from: string, to: string, assetName = path.basename(from)): Promise<void> {
  const target = await lstatIfExists(to);
  if (target === undefined) await fs.mkdir(to, { recursive: true });
  else if (!target.isDirectory())
    throw new UnsafeArchiveError(assetName, to, 'is not a directory to merge into');
  await mergeDirectory(from, to, '', assetName);
}

async function mergeDirectory(from: string, to: string, relative: string, assetName: string): Promise<void> {
  const entries: Dirent[] = await fs.readdir(from, { withFileTypes: true });
  entries.sort((left, right) => left.name.localeCompare(right.name));
  for (const entry of entries) {
    const name = relative === '' ? entry.name : `${relative}/${entry.name}`;
    const source = path.join(from, entry.name);
    const destination = path.join(to, entry.name);
    // lstat, not stat: what matters is what is on disk at that path, a link is never followed.
    const existing = await lstatIfExists(destination);
    if (existing?.isSymbolicLink() === true) {
      throw new UnsafeArchiveError(
        assetName,
        name,
        'would be written through or replace a symlink that an earlier asset put in the layer',
      );
    }
    if (entry.isDirectory()) {
      if (existing === undefined) {
        await fs.mkdir(destination, { mode: (await fs.lstat(source)).mode & 0o777 });
      } else if (!existing.isDirectory()) {
        throw new UnsafeArchiveError(
          assetName,
          name,
          'is a directory where an earlier asset installed a file',
        );
      }
      await mergeDirectory(source, destination, name, assetName);
    } else if (existing !== undefined) {
      const what = existing.isDirectory() ? 'a directory' : 'a file';
      throw new UnsafeArchiveError(
        assetName,
        name,
        `would replace ${what} that an earlier asset installed at the same path; give one of them another destination`,
      );
    } else {
      await moveEntry(source, destination);
    }
  }
}

/** rename keeps modes, links and hard links; a copy is the fallback across file systems. */
async function moveEntry(source: string, destination: string): Promise<void> {
  try {
    await fs.rename(source, destination);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    const stats = await fs.lstat(source);
    if (stats.isSymbolicLink()) await fs.symlink(await fs.readlink(source), destination);
    else await fs.copyFile(source, destination, fs.constants.COPYFILE_EXCL);
    await fs.rm(source);
  }
}
