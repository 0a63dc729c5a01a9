import type { Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { isWriteFailure, LayerWriteError, UnsafeArchiveError } from './archive-errors.js';
import { makeTraversableDirectory } from './entry-writer.js';
import { lstatIfExists } from './lstat-if-exists.js';

/** The asset a staging tree holds, and what earlier assets put into the same layer, for messages. */
export interface MergeSource {
  /** The release asset's name (never the staging directory's). */
  readonly assetName: string;
  /** Assets already merged into the layer, each with the paths it installed (UnpackResult.files). */
  readonly earlier?: readonly { readonly assetName: string; readonly files: readonly string[] }[];
}

/** When the caller does not name the asset, messages say "an asset", never the staging directory's name. */
const UNNAMED: MergeSource = { assetName: '' };

const OVERLAP_ADVICE =
  'Assets of the same repository share one layer, so their paths must not overlap: give one of the ' +
  'entries another destination, or leave the path out with include or strip_components.';

/**
 * Moves every file of `from` into `to` (both absolute), creating directories; refuses to write through a
 * symlink that already exists in `to` (a planted link from an earlier asset), and refuses when a file would
 * replace another asset's file; throws UnsafeArchiveError (stage 'install') naming the path, the asset and,
 * when `source.earlier` says, the asset already there.
 */
export async function mergeTree(from: string, to: string, source: MergeSource = UNNAMED): Promise<void> {
  const target = await lstatIfExists(to);
  if (target === undefined) await writing(source, '', () => makeTraversableDirectory(to));
  else if (!target.isDirectory()) throw overlap(source, '.', 'is not a directory to install into');
  await mergeDirectory(from, to, '', source);
}

async function mergeDirectory(
  from: string,
  to: string,
  relative: string,
  source: MergeSource,
): Promise<void> {
  const entries: Dirent[] = await fs.readdir(from, { withFileTypes: true });
  // By code unit, not localeCompare: the order must not depend on the build's locale, and ICU's collation
  // data is megabytes of the executable that nothing else here reads.
  entries.sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0));
  for (const entry of entries) {
    const name = relative === '' ? entry.name : `${relative}/${entry.name}`;
    const sourcePath = path.join(from, entry.name);
    const destination = path.join(to, entry.name);
    // lstat, not stat: what matters is what is on disk at that path, a link is never followed.
    const existing = await lstatIfExists(destination);
    if (existing?.isSymbolicLink() === true) {
      throw overlap(
        source,
        name,
        entry.isDirectory()
          ? `is a directory, but ${ownerOf(source, name)} installed a symlink there (writing through it could leave the layer)`
          : `would replace a symlink that ${ownerOf(source, name)} installed`,
      );
    }
    if (entry.isDirectory()) {
      if (existing === undefined) {
        await writing(source, name, () => makeTraversableDirectory(destination));
      } else if (!existing.isDirectory()) {
        throw overlap(source, name, `is a directory, but ${ownerOf(source, name)} installed a file there`);
      }
      await mergeDirectory(sourcePath, destination, name, source);
    } else if (existing !== undefined) {
      const what = existing.isDirectory() ? 'a directory' : 'a file';
      throw overlap(source, name, `would replace ${what} that ${ownerOf(source, name)} installed`);
    } else {
      await writing(source, name, () => moveEntry(sourcePath, destination));
    }
  }
}

/** Runs a write, turning a file system refusal into LayerWriteError naming the path inside the layer. */
async function writing(source: MergeSource, name: string, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (isWriteFailure(error)) throw new LayerWriteError(source.assetName, name, error);
    throw error;
  }
}

function overlap(source: MergeSource, name: string, reason: string): UnsafeArchiveError {
  return new UnsafeArchiveError(source.assetName, name, reason, { stage: 'install', advice: OVERLAP_ADVICE });
}

/** The earlier asset that installed `name` (or a path under it, or a link above it), quoted, if known. */
function ownerOf(source: MergeSource, name: string): string {
  const owner = source.earlier?.find(({ files }) =>
    files.some((file) => file === name || file.startsWith(`${name}/`) || name.startsWith(`${file}/`)),
  );
  return owner === undefined ? 'an earlier asset of this layer' : JSON.stringify(owner.assetName);
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
