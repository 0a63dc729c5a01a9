import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { unpackAsset, type UnpackOptions, type UnpackResult } from '../../../src/archive/unpack-asset.js';
import { makeTempDir } from './temp-dir.js';

export const GENEROUS_LIMITS = { maxBytes: 1024 ** 3, maxEntries: 100_000 };

/** A test workspace: a fresh root to unpack into and a temp dir, under one temp directory. */
export interface Workspace {
  readonly dir: string;
  readonly root: string;
  readonly tempDir: string;
}

export async function makeWorkspace(): Promise<Workspace> {
  const dir = await makeTempDir();
  const root = path.join(dir, 'root');
  const tempDir = path.join(dir, 'tmp');
  await fs.mkdir(root);
  await fs.mkdir(tempDir);
  return { dir, root, tempDir };
}

export function optionsFor(
  workspace: Workspace,
  assetName: string,
  overrides: Partial<UnpackOptions> = {},
): UnpackOptions {
  return {
    root: workspace.root,
    tempDir: workspace.tempDir,
    assetName,
    destination: undefined,
    stripComponents: 0,
    include: undefined,
    limits: GENEROUS_LIMITS,
    ...overrides,
  };
}

/** Unpacks a file from disk, streamed as a download would be. */
export function unpackFile(
  workspace: Workspace,
  file: string,
  overrides: Partial<UnpackOptions> = {},
): Promise<UnpackResult> {
  return unpackAsset(createReadStream(file), optionsFor(workspace, path.basename(file), overrides));
}

/** Unpacks bytes held in memory, in small chunks so stream boundaries fall everywhere. */
export function unpackBytes(
  workspace: Workspace,
  assetName: string,
  bytes: Buffer,
  overrides: Partial<UnpackOptions> = {},
): Promise<UnpackResult> {
  return unpackAsset(chunked(bytes, 1000), optionsFor(workspace, assetName, overrides));
}

export function chunked(bytes: Buffer, size: number): Readable {
  const chunks: Buffer[] = [];
  for (let start = 0; start < bytes.length; start += size) chunks.push(bytes.subarray(start, start + size));
  return Readable.from(chunks, { objectMode: false });
}

/** Every path under `dir` (files, links, directories), relative, POSIX, sorted. */
export async function listTree(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true });
  return entries.map((entry) => entry.split(path.sep).join('/')).sort();
}
