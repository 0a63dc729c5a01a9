/**
 * Lays out a picked asset in its staging directory so the tool is on PATH without the user writing
 * `destination` or `strip_components`: a single file becomes `bin/<tool name>`; an archive loses the one
 * top-level directory its members share, and goes under `bin/` unless it already has a `bin/` of its own.
 */
import { mkdir, readdir, rename, rmdir } from 'node:fs/promises';
import path from 'node:path';
import type { AssetFormat } from '../archive/unpack-asset.js';
import { sharedTopDirectory } from '../pick/shared-top-directory.js';

const ARCHIVE_FORMATS: readonly AssetFormat[] = ['tar', 'tar.gz', 'tar.xz', 'tar.bz2', 'tar.zst', 'zip'];

export interface PickedLayout {
  readonly stagingDir: string;
  readonly format: AssetFormat;
  /** Paths unpacked, relative to the staging directory. */
  readonly files: readonly string[];
  readonly toolName: string;
  /** Whether the entry's strip_components already dropped leading directories. */
  readonly stripped: boolean;
}

/** Moves the files into the picked layout; returns their new paths, sorted. */
export async function arrangePickedFiles(layout: PickedLayout): Promise<string[]> {
  const { stagingDir, files } = layout;
  if (!ARCHIVE_FORMATS.includes(layout.format)) {
    const [only] = files;
    if (files.length !== 1 || only === undefined) return [...files];
    const named = `bin/${layout.toolName}`;
    if (only !== named) await rename(path.join(stagingDir, only), path.join(stagingDir, named));
    return [named];
  }
  let arranged = [...files];
  const top = layout.stripped ? undefined : sharedTopDirectory(files);
  if (top !== undefined) {
    await hoist(stagingDir, top);
    arranged = arranged.map((file) => file.slice(top.length + 1));
  }
  if (!arranged.some((file) => file.startsWith('bin/'))) {
    await moveInto(stagingDir, 'bin');
    arranged = arranged.map((file) => `bin/${file}`);
  }
  return arranged.toSorted();
}

/** Moves the children of `<dir>/<top>` up into `dir` (through a temporary name, as a child may be `top`). */
async function hoist(dir: string, top: string): Promise<void> {
  const moved = path.join(dir, `.hoist-${process.pid}`);
  await rename(path.join(dir, top), moved);
  for (const child of await readdir(moved)) await rename(path.join(moved, child), path.join(dir, child));
  await rmdir(moved);
}

/** Moves every child of `dir` into `dir/<sub>`. */
async function moveInto(dir: string, sub: string): Promise<void> {
  const holder = path.join(dir, `.move-${process.pid}`);
  const children = await readdir(dir);
  await mkdir(holder);
  for (const child of children) await rename(path.join(dir, child), path.join(holder, child));
  await rename(holder, path.join(dir, sub));
}
