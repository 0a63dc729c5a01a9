import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ArchiveFormatError, ArchiveLimitError } from '../../src/archive/archive-errors.js';
import { unpackAsset } from '../../src/archive/unpack-asset.js';
import { rawTar } from './helpers/tar-builder.js';
import { run } from './helpers/tools.js';
import { rawZip } from './helpers/zip-builder.js';
import {
  makeWorkspace,
  optionsFor,
  unpackBytes,
  unpackFile,
  type Workspace,
} from './helpers/unpack-helpers.js';

const BOMB_SIZE = '200M';
const SMALL_LIMITS = { maxBytes: 10 * 1024 * 1024, maxEntries: 1000 };

/** Builds a file of `size` zeros (sparse, so instant) and returns its path. */
async function zeros(workspace: Workspace, name: string): Promise<string> {
  const file = path.join(workspace.dir, name);
  run('truncate', ['-s', BOMB_SIZE, file]);
  return file;
}

function shell(script: string, cwd: string): void {
  execFileSync('sh', ['-c', script], { cwd, stdio: 'ignore' });
}

/** File descriptors of this process that point into `dir`. */
async function openFilesUnder(dir: string): Promise<string[]> {
  const fds = await fs.readdir('/proc/self/fd');
  const targets = await Promise.all(fds.map((fd) => fs.readlink(`/proc/self/fd/${fd}`).catch(() => '')));
  return targets.filter((target) => target.startsWith(dir));
}

describe('limits stop a decompression bomb while it streams', () => {
  it.each([
    ['zeros.gz', 'gzip -1 -c zeros > zeros.gz'],
    ['zeros.tar.gz', 'tar -cf - zeros | gzip -1 -c > zeros.tar.gz'],
    ['zeros.xz', 'xz -1 -T1 -c zeros > zeros.xz'],
    ['zeros.bz2', 'bzip2 -1 -c zeros > zeros.bz2'],
    ['zeros.tar.zst', 'tar -cf - zeros | zstd -q -c > zeros.tar.zst'],
    ['zeros.zip', 'zip -q -1 zeros.zip zeros'],
  ])('%s (200 MB of zeros) stops at maxBytes', async (asset, script) => {
    const workspace = await makeWorkspace();
    await zeros(workspace, 'zeros');
    shell(script, workspace.dir);
    await fs.rm(path.join(workspace.dir, 'zeros'));
    const started = Date.now();
    const error = await unpackFile(workspace, path.join(workspace.dir, asset), {
      limits: SMALL_LIMITS,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ArchiveLimitError);
    const limit = error as ArchiveLimitError;
    expect(limit.limit).toBe('bytes');
    expect(limit.value).toBe(SMALL_LIMITS.maxBytes);
    expect(limit.variable).toBe('BP_GITHUB_ASSETS_MAX_BYTES');
    expect(limit.message).toContain('BP_GITHUB_ASSETS_MAX_BYTES');
    // Stopped early: nothing near 200 MB was written, and it did not take the time to inflate it all.
    const written = execFileSync('du', ['-sb', workspace.root]).toString().split('\t')[0];
    expect(Number(written)).toBeLessThanOrEqual(SMALL_LIMITS.maxBytes + 1024 * 1024);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await openFilesUnder(workspace.dir)).toEqual([]);
  });

  it('stops at maxEntries', async () => {
    const workspace = await makeWorkspace();
    const members = Array.from({ length: 50 }, (_, index) => ({ name: `f${index}`, data: 'x' }));
    const error = await unpackBytes(workspace, 'many.tar', rawTar(members), {
      limits: { maxBytes: 1e9, maxEntries: 10 },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ArchiveLimitError);
    expect((error as ArchiveLimitError).limit).toBe('entries');
    expect((error as ArchiveLimitError).variable).toBe('BP_GITHUB_ASSETS_MAX_ENTRIES');
    expect((await fs.readdir(workspace.root)).length).toBeLessThanOrEqual(10);
  });

  it('allows exactly maxEntries and maxBytes', async () => {
    const workspace = await makeWorkspace();
    const members = Array.from({ length: 10 }, (_, index) => ({ name: `f${index}`, data: 'xx' }));
    const result = await unpackBytes(workspace, 'many.tar', rawTar(members), {
      limits: { maxBytes: 20, maxEntries: 10 },
    });
    expect(result.bytes).toBe(20);
  });
});

describe('a failing input stream', () => {
  const builders: Record<string, (workspace: Workspace) => Promise<string>> = {
    raw: async (workspace) => {
      const file = path.join(workspace.dir, 'tool');
      await fs.writeFile(file, Buffer.alloc(3_000_000, 7));
      return file;
    },
    'tar.gz': async (workspace) => {
      shell('head -c 3000000 /dev/urandom > big && tar -czf asset.tar.gz big', workspace.dir);
      return path.join(workspace.dir, 'asset.tar.gz');
    },
    'tar.xz': async (workspace) => {
      shell(
        'head -c 3000000 /dev/urandom > big && tar -cf - big | xz -0 -T1 -c > asset.tar.xz',
        workspace.dir,
      );
      return path.join(workspace.dir, 'asset.tar.xz');
    },
    'tar.bz2': async (workspace) => {
      shell('head -c 3000000 /dev/urandom > big && tar -cjf asset.tar.bz2 big', workspace.dir);
      return path.join(workspace.dir, 'asset.tar.bz2');
    },
    'tar.zst': async (workspace) => {
      shell(
        'head -c 3000000 /dev/urandom > big && tar -cf - big | zstd -q -c > asset.tar.zst',
        workspace.dir,
      );
      return path.join(workspace.dir, 'asset.tar.zst');
    },
    zip: async (workspace) => {
      shell('head -c 3000000 /dev/urandom > big && zip -q asset.zip big', workspace.dir);
      return path.join(workspace.dir, 'asset.zip');
    },
  };

  it.each(Object.keys(builders))('rejects with the very same error object (%s)', async (kind) => {
    const workspace = await makeWorkspace();
    const asset = await (builders[kind] ?? (() => Promise.reject(new Error(kind))))(workspace);
    const bytes = await fs.readFile(asset);
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    async function* failingBody(): AsyncGenerator<Buffer> {
      for (let offset = 0; offset < bytes.length / 2; offset += 64 * 1024) {
        yield bytes.subarray(offset, offset + 64 * 1024);
      }
      throw reset;
    }
    const body = Readable.from(failingBody(), { objectMode: false });
    const error = await unpackAsset(body, optionsFor(workspace, path.basename(asset))).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBe(reset);
    expect(await openFilesUnder(workspace.dir)).toEqual([]);
  });

  it('leaves the xz decoder free for the next asset after a failure', async () => {
    const workspace = await makeWorkspace();
    const asset = await (builders['tar.xz'] ?? (() => Promise.reject(new Error('no builder'))))(workspace);
    const bytes = await fs.readFile(asset);
    const failing = Readable.from(
      (async function* () {
        yield bytes.subarray(0, 100_000);
        throw new Error('socket hang up');
      })(),
      { objectMode: false },
    );
    await expect(unpackAsset(failing, optionsFor(workspace, 'a.tar.xz'))).rejects.toThrow('socket hang up');
    const next = await makeWorkspace();
    const result = await unpackFile(next, asset);
    expect(result.format).toBe('tar.xz');
  });
});

describe('corrupt and truncated assets', () => {
  it.each([
    ['tool.gz', 'gzip -c big > tool.gz', /gzip/],
    ['tool.tar.gz', 'tar -czf tool.tar.gz big', /gzip|tar\.gz/],
    ['tool.xz', 'xz -0 -T1 -c big > tool.xz', /xz/],
    ['tool.bz2', 'bzip2 -c big > tool.bz2', /bzip2/],
    ['tool.zst', 'zstd -q -c big > tool.zst', /zstd/],
    ['tool.tar', 'tar -cf tool.tar big', /tar/],
    ['tool.zip', 'zip -q tool.zip big', /zip/],
  ])('a truncated %s gives a clear ArchiveFormatError', async (asset, script, format) => {
    const workspace = await makeWorkspace();
    shell(`head -c 300000 /dev/urandom > big && ${script}`, workspace.dir);
    const file = path.join(workspace.dir, asset);
    const bytes = await fs.readFile(file);
    await fs.writeFile(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const error = await unpackFile(workspace, file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ArchiveFormatError);
    const formatError = error as ArchiveFormatError;
    expect(formatError.name).toBe('ArchiveFormatError');
    expect(formatError.assetName).toBe(asset);
    expect(formatError.format).toMatch(format);
    expect(formatError.message).toContain(JSON.stringify(asset));
    expect(await openFilesUnder(workspace.dir)).toEqual([]);
  });

  it('a zip member whose data does not match its CRC-32', async () => {
    const workspace = await makeWorkspace();
    const archive = rawZip([{ name: 'file', data: 'hello world' }]);
    const corrupt = Buffer.from(archive);
    const dataOffset = 30 + 'file'.length; // after the local header and the name
    corrupt.writeUInt8(corrupt.readUInt8(dataOffset) ^ 0xff, dataOffset);
    const error = await unpackBytes(workspace, 'bad.zip', corrupt).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ArchiveFormatError);
    expect((error as Error).message).toMatch(/CRC-32/);
  });

  it('a tar header with a bad checksum', async () => {
    const workspace = await makeWorkspace();
    const archive = rawTar([
      { name: 'a', data: 'x' },
      { name: 'b', data: 'y' },
    ]);
    archive[1024 + 10] = 0x41; // second header's name, without fixing its checksum
    const error = await unpackBytes(workspace, 'bad.tar', archive).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ArchiveFormatError);
  });
});
