import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import * as tar from 'tar';
import { describe, expect, it } from 'vitest';
import { ArchiveFormatError } from '../../src/archive/archive-errors.js';
import { decompress } from '../../src/archive/decompress.js';
import { findNativeDecoder } from '../../src/archive/native-decoder.js';
import { unpackAsset } from '../../src/archive/unpack-asset.js';
import { writeSourceTree, type SourceTree } from './helpers/source-tree.js';
import { run } from './helpers/tools.js';
import { rawZip } from './helpers/zip-builder.js';
import {
  makeWorkspace,
  optionsFor,
  unpackBytes,
  unpackFile,
  type Workspace,
} from './helpers/unpack-helpers.js';

const COMPRESSORS = {
  gz: ['gzip', '-c'],
  xz: ['xz', '-c', '-T1'],
  bz2: ['bzip2', '-c'],
  zst: ['zstd', '-q', '-c'],
} as const;
type Compressor = keyof typeof COMPRESSORS;

/** Compresses `file` with the real tool into `output`. */
function compress(kind: Compressor, file: string, output: string): void {
  const [command, ...args] = COMPRESSORS[kind];
  execFileSync('sh', ['-c', `"$0" "$@" > "${output}"`, command, ...args, file]);
}

async function expectTreeUnpacked(workspace: Workspace, tree: SourceTree, prefix = ''): Promise<void> {
  for (const [name, file] of tree.files) {
    const unpacked = path.join(workspace.root, prefix, name);
    expect(await fs.readFile(unpacked), name).toEqual(file.data);
    expect((await fs.stat(unpacked)).mode & 0o777, name).toBe(file.installed);
  }
  for (const [name, target] of tree.links) {
    expect(await fs.readlink(path.join(workspace.root, prefix, name)), name).toBe(target);
  }
}

function expectedFiles(tree: SourceTree): string[] {
  return [...tree.files.keys(), ...tree.links.keys()].sort();
}

async function buildTar(
  workspace: Workspace,
  name = 'pkg.tar',
): Promise<{ tree: SourceTree; tarFile: string }> {
  const tree = await writeSourceTree(path.join(workspace.dir, 'src'));
  const tarFile = path.join(workspace.dir, name);
  run('tar', ['-C', tree.dir, '-cf', tarFile, 'pkg-1.0']);
  return { tree, tarFile };
}

describe('unpackAsset: archives, told apart by content', () => {
  it('unpacks a plain tar made by GNU tar, keeping bytes, modes and symlinks', async () => {
    const workspace = await makeWorkspace();
    const { tree, tarFile } = await buildTar(workspace);
    const result = await unpackFile(workspace, tarFile);
    expect(result.format).toBe('tar');
    expect(result.files).toEqual(expectedFiles(tree));
    expect(result.bytes).toBe([...tree.files.values()].reduce((sum, file) => sum + file.data.length, 0));
    await expectTreeUnpacked(workspace, tree);
  });

  it.each(Object.keys(COMPRESSORS) as Compressor[])(
    'unpacks a tar.%s made by the real compressor',
    async (kind) => {
      const workspace = await makeWorkspace();
      const { tree, tarFile } = await buildTar(workspace);
      const asset = path.join(workspace.dir, `pkg.tar.${kind}`);
      compress(kind, tarFile, asset);
      const result = await unpackFile(workspace, asset);
      expect(result.format).toBe(`tar.${kind}`);
      expect(result.files).toEqual(expectedFiles(tree));
      await expectTreeUnpacked(workspace, tree);
    },
  );

  it('unpacks a gzipped tar written by node-tar (pax headers for a long name) under any name', async () => {
    const workspace = await makeWorkspace();
    const tree = await writeSourceTree(path.join(workspace.dir, 'src'), `pkg-${'x'.repeat(120)}`);
    const asset = path.join(workspace.dir, 'download');
    await tar.create({ gzip: true, file: asset, cwd: tree.dir, portable: true }, [...tree.files.keys()]);
    const result = await unpackFile(workspace, asset);
    expect(result.format).toBe('tar.gz');
    expect(result.files).toEqual([...tree.files.keys()].sort());
    for (const [name, file] of tree.files) {
      expect(await fs.readFile(path.join(workspace.root, name))).toEqual(file.data);
    }
  });

  it('unpacks a zip made by Info-ZIP, keeping bytes, modes and symlinks', async () => {
    const workspace = await makeWorkspace();
    const tree = await writeSourceTree(path.join(workspace.dir, 'src'));
    const asset = path.join(workspace.dir, 'pkg.zip');
    run('zip', ['-q', '-r', '-y', '-X', asset, 'pkg-1.0'], tree.dir);
    const result = await unpackFile(workspace, asset);
    expect(result.format).toBe('zip');
    expect(result.files).toEqual(expectedFiles(tree));
    await expectTreeUnpacked(workspace, tree);
    // The spooled copy is gone.
    expect(await fs.readdir(workspace.tempDir)).toEqual([]);
  });

  // Members are read from the spooled file at the offsets the central directory gives, past local headers
  // whose extra fields differ from the directory's (Info-ZIP's default timestamps) and zip64 records.
  it.each([
    ['with extra fields that differ between local and central headers', []],
    ['in zip64 format (zip -fz)', ['-fz']],
  ])('unpacks an Info-ZIP zip %s', async (_, flags) => {
    const workspace = await makeWorkspace();
    const tree = await writeSourceTree(path.join(workspace.dir, 'src'));
    const asset = path.join(workspace.dir, 'pkg.zip');
    run('zip', ['-q', '-r', '-y', ...flags, asset, 'pkg-1.0'], tree.dir);
    const result = await unpackFile(workspace, asset);
    expect(result.format).toBe('zip');
    expect(result.files).toEqual(expectedFiles(tree));
    await expectTreeUnpacked(workspace, tree);
  });

  it('refuses a member whose local header is not where the central directory says', async () => {
    const workspace = await makeWorkspace();
    const tree = await writeSourceTree(path.join(workspace.dir, 'src'));
    const asset = path.join(workspace.dir, 'pkg.zip');
    run('zip', ['-q', '-r', '-y', asset, 'pkg-1.0'], tree.dir);
    const bytes = await fs.readFile(asset);
    // The local header of a member with data, other than the first (whose signature tells the format),
    // found through the central directory: the end record gives where it starts; each entry is 46 bytes
    // plus three lengths, with the uncompressed size at 24 and the local header's offset at 42.
    const end = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    let second = 0;
    for (let entry = bytes.readUInt32LE(end + 16); second === 0 && entry < end;) {
      const offset = bytes.readUInt32LE(entry + 42);
      if (offset !== 0 && bytes.readUInt32LE(entry + 24) > 0) second = offset;
      entry +=
        46 + bytes.readUInt16LE(entry + 28) + bytes.readUInt16LE(entry + 30) + bytes.readUInt16LE(entry + 32);
    }
    expect(bytes.readUInt32LE(second)).toBe(0x04034b50);
    bytes.writeUInt32LE(0x12345678, second);
    await expect(unpackBytes(workspace, 'pkg.zip', bytes)).rejects.toThrow(
      /has no local header where the central directory says/,
    );
    await expect(unpackBytes(workspace, 'pkg.zip', bytes)).rejects.toBeInstanceOf(ArchiveFormatError);
  });

  it('unpacks an empty zip (only an end-of-central-directory record)', async () => {
    const workspace = await makeWorkspace();
    const result = await unpackBytes(workspace, 'empty.zip', rawZip([]));
    expect(result).toEqual({ format: 'zip', files: [], bytes: 0 });
  });

  it('reads an old v7 tar (no magic) when the name says tar and the checksum holds', async () => {
    const workspace = await makeWorkspace();
    const tree = await writeSourceTree(path.join(workspace.dir, 'src'));
    const asset = path.join(workspace.dir, 'old.tar');
    run('tar', ['--format=v7', '-C', tree.dir, '-cf', asset, 'pkg-1.0']);
    const result = await unpackFile(workspace, asset);
    expect(result.format).toBe('tar');
    await expectTreeUnpacked(workspace, tree);
  });
});

describe('unpackAsset: single files', () => {
  it('installs an ELF executable (position-independent) as bin/<asset name>, mode 0755, runnable', async () => {
    const workspace = await makeWorkspace();
    const elf = await fs.readFile('/usr/bin/env');
    expect(elf.subarray(0, 4)).toEqual(Buffer.from('\x7fELF', 'latin1'));
    const asset = path.join(workspace.dir, 'env-linux-amd64');
    await fs.writeFile(asset, elf, { mode: 0o644 });
    const result = await unpackFile(workspace, asset);
    expect(result).toEqual({ format: 'raw', files: ['bin/env-linux-amd64'], bytes: elf.length });
    const installed = path.join(workspace.root, 'bin/env-linux-amd64');
    expect((await fs.stat(installed)).mode & 0o777).toBe(0o755);
    expect(await fs.readFile(installed)).toEqual(elf);
    expect(execFileSync(installed, ['echo', 'it runs']).toString()).toBe('it runs\n');
  });

  it('treats an ELF of type DYN as raw (what MIME sniffing got wrong)', async () => {
    const workspace = await makeWorkspace();
    const elf = Buffer.alloc(4096);
    Buffer.from('\x7fELF\x02\x01\x01', 'latin1').copy(elf);
    elf.writeUInt16LE(3, 16); // ET_DYN
    const result = await unpackBytes(workspace, 'probe', elf, { destination: 'bin/probe' });
    expect(result.format).toBe('raw');
    expect(result.files).toEqual(['bin/probe']);
    expect((await fs.stat(path.join(workspace.root, 'bin/probe'))).mode & 0o777).toBe(0o755);
  });

  it('writes a raw asset to the destination path when one is given', async () => {
    const workspace = await makeWorkspace();
    const script = Buffer.from('#!/bin/sh\necho hello from the script\n');
    const result = await unpackBytes(workspace, 'tool.sh', script, { destination: 'tools/run' });
    expect(result).toEqual({ format: 'raw', files: ['tools/run'], bytes: script.length });
    expect(execFileSync(path.join(workspace.root, 'tools/run')).toString()).toBe('hello from the script\n');
  });

  it.each(Object.keys(COMPRESSORS) as Compressor[])(
    'decompresses a bare .%s file to bin/<name without suffix>, mode 0755',
    async (kind) => {
      const workspace = await makeWorkspace();
      const tree = await writeSourceTree(path.join(workspace.dir, 'src'));
      const original = tree.files.get('pkg-1.0/bin/tool');
      const asset = path.join(workspace.dir, `tool.${kind}`);
      compress(kind, path.join(tree.dir, 'pkg-1.0/bin/tool'), asset);
      const result = await unpackFile(workspace, asset);
      expect(result).toEqual({ format: kind, files: ['bin/tool'], bytes: original?.data.length });
      expect(await fs.readFile(path.join(workspace.root, 'bin/tool'))).toEqual(original?.data);
      expect((await fs.stat(path.join(workspace.root, 'bin/tool'))).mode & 0o777).toBe(0o755);
    },
  );

  it('refuses a .tar.gz that holds no tar, as GNU tar does, but installs a bare .gz of the same bytes', async () => {
    const workspace = await makeWorkspace();
    const text = path.join(workspace.dir, 'notes.txt');
    await fs.writeFile(text, 'not a tar at all\n'.repeat(100));
    const asset = path.join(workspace.dir, 'data.tar.gz');
    compress('gz', text, asset);
    const error: unknown = await unpackFile(workspace, asset).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ArchiveFormatError);
    expect((error as ArchiveFormatError).format).toBe('tar.gz');
    expect((error as ArchiveFormatError).message).toMatch(
      /^Refusing to install "data\.tar\.gz": its name says tar\.gz, but its gzip data holds plain text, not a tar archive/,
    );
    const bare = path.join(workspace.dir, 'data.gz');
    await fs.copyFile(asset, bare);
    const result = await unpackFile(await makeWorkspace(), bare);
    expect(result.format).toBe('gz');
    expect(result.files).toEqual(['bin/data']);
  });

  it('reads every member of a multi-member gzip', async () => {
    const workspace = await makeWorkspace();
    const first = path.join(workspace.dir, 'a');
    const second = path.join(workspace.dir, 'b');
    await fs.writeFile(first, 'first part\n');
    await fs.writeFile(second, 'second part\n');
    compress('gz', first, `${first}.gz`);
    compress('gz', second, `${second}.gz`);
    const asset = path.join(workspace.dir, 'joined.gz');
    await fs.writeFile(
      asset,
      Buffer.concat([await fs.readFile(`${first}.gz`), await fs.readFile(`${second}.gz`)]),
    );
    await unpackFile(workspace, asset, { destination: 'out' });
    expect(await fs.readFile(path.join(workspace.root, 'out'), 'utf8')).toBe('first part\nsecond part\n');
  });
});

describe('unpackAsset: reads the whole body', () => {
  it.each(['pkg.tar', 'pkg.tar.gz', 'pkg.tar.xz', 'pkg.tar.bz2', 'pkg.tar.zst', 'pkg.zip', 'tool.xz', 'raw'])(
    'consumes every byte of %s, so a hash taken upstream covers the asset',
    async (name) => {
      const workspace = await makeWorkspace();
      const { tree, tarFile } = await buildTar(workspace);
      const asset = path.join(workspace.dir, name);
      if (name === 'pkg.zip') run('zip', ['-q', '-r', '-y', asset, 'pkg-1.0'], tree.dir);
      else if (name === 'tool.xz') compress('xz', path.join(tree.dir, 'pkg-1.0/bin/tool'), asset);
      else if (name === 'raw') await fs.copyFile(path.join(tree.dir, 'pkg-1.0/bin/tool'), asset);
      else if (name !== 'pkg.tar') compress(name.split('.').at(-1) as Compressor, tarFile, asset);
      // Zero blocks after the end of a tar, as some writers pad to a record size; they must be read too.
      if (name === 'pkg.tar') await fs.appendFile(asset, Buffer.alloc(10240));
      let seen = 0;
      const counted = createReadStream(asset).pipe(
        new PassThrough({
          transform(chunk: Buffer, _encoding, callback) {
            seen += chunk.length;
            callback(null, chunk);
          },
        }),
      );
      await unpackAsset(counted, optionsFor(workspace, name));
      expect(seen).toBe((await fs.stat(asset)).size);
    },
  );
});

describe('decompress: the image decoders and the bundled fallbacks', () => {
  const native = ['xz', 'bz2', 'zst'] as const;

  /** Two compressed streams back to back, as `cat a.xz b.xz` makes: both decoders must read both. */
  async function twoStreams(workspace: Workspace, kind: Compressor): Promise<{ data: Buffer; file: string }> {
    const first = path.join(workspace.dir, 'first');
    const second = path.join(workspace.dir, 'second');
    const firstData = Buffer.from('x'.repeat(300_000) + 'first part\n');
    const secondData = Buffer.concat([randomBytes(200_000), Buffer.from('second part\n')]);
    await fs.writeFile(first, firstData);
    await fs.writeFile(second, secondData);
    compress(kind, first, `${first}.c`);
    compress(kind, second, `${second}.c`);
    const file = path.join(workspace.dir, `both.${kind}`);
    await fs.writeFile(
      file,
      Buffer.concat([await fs.readFile(`${first}.c`), await fs.readFile(`${second}.c`)]),
    );
    return { data: Buffer.concat([firstData, secondData]), file };
  }

  /** The decoded bytes, and the size of each chunk they came in. */
  async function collectChunks(chunks: AsyncIterable<Buffer>): Promise<{ data: Buffer; sizes: number[] }> {
    const parts: Buffer[] = [];
    for await (const chunk of chunks) parts.push(chunk);
    return { data: Buffer.concat(parts), sizes: parts.map((part) => part.length) };
  }

  async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
    return (await collectChunks(chunks)).data;
  }

  /** Runs `work` with PATH set to `searchPath`, restoring PATH afterwards. */
  async function withPath<T>(searchPath: string, work: () => Promise<T>): Promise<T> {
    const saved = process.env['PATH'];
    process.env['PATH'] = searchPath;
    try {
      return await work();
    } finally {
      process.env['PATH'] = saved;
    }
  }

  /** The current PATH with `bin` searched first. */
  const pathWithFirst = (bin: string): string => `${bin}${path.delimiter}${process.env['PATH'] ?? ''}`;

  /** Runs `work` with a PATH that holds no decoder at all, restoring PATH afterwards. */
  async function withoutDecodersOnPath<T>(workspace: Workspace, work: () => Promise<T>): Promise<T> {
    const empty = path.join(workspace.dir, 'empty-bin');
    await fs.mkdir(empty, { recursive: true });
    return withPath(empty, work);
  }

  it.each(native)('finds the image’s decoder for %s on PATH, and none on a PATH without it', async (kind) => {
    const program = await findNativeDecoder(kind);
    expect(program).toBeDefined();
    expect(path.isAbsolute(program ?? '')).toBe(true);
    const workspace = await makeWorkspace();
    expect(await withoutDecodersOnPath(workspace, () => findNativeDecoder(kind))).toBeUndefined();
  });

  const decoders = native.flatMap((kind) => [true, false].map((useNative) => [kind, useNative] as const));
  it.each(decoders)(
    'decodes every stream of a concatenated %s (image decoder: %s)',
    async (kind, useNative) => {
      const workspace = await makeWorkspace();
      const { data, file } = await twoStreams(workspace, kind);
      const decoded = await collect(decompress(createReadStream(file), kind, { native: useNative }));
      expect(decoded.equals(data)).toBe(true);
    },
  );

  /**
   * A directory holding an `xz` that says it is `version` (or passes --version on to the real one), notes
   * its arguments in `args.log` and its peak RSS in `rss.log` (GNU time), and decodes with the real xz.
   */
  async function recordingXz(workspace: Workspace, version: string | undefined): Promise<string> {
    const real = await findNativeDecoder('xz');
    const bin = path.join(workspace.dir, `xz-${version ?? 'real'}`);
    await fs.mkdir(bin, { recursive: true });
    const answer =
      version === undefined ? `exec "${real}" --version` : `echo "xz (XZ Utils) ${version}"; exit 0`;
    await fs.writeFile(
      path.join(bin, 'xz'),
      `#!/bin/sh\nif [ "$1" = --version ]; then ${answer}; fi\necho "$@" >> "${bin}/args.log"\n` +
        `exec /usr/bin/time -o "${bin}/rss.log" -f %M "${real}" "$@"\n`,
      { mode: 0o755 },
    );
    return bin;
  }

  /** Decodes `file` with the xz found first on PATH in `bin`. */
  function decodeWithXzIn(bin: string, file: string): Promise<Buffer> {
    return withPath(pathWithFirst(bin), () =>
      collect(decompress(createReadStream(file), 'xz', { native: true })),
    );
  }

  const gnuTime = '/usr/bin/time';
  it.skipIf(!existsSync(gnuTime))(
    `keeps xz's threads within a memory limit: a file of 16 MiB blocks decodes in a small xz (skipped without ${gnuTime})`,
    async () => {
      const workspace = await makeWorkspace();
      // Text that compresses like logs, in 16 MiB blocks as `xz -T0` cuts them (at -1 to be quick here).
      const line = (i: number): string => `${(i * 2654435761) % 4294967296} entry ${i.toString(36)}\n`;
      const lines: string[] = [];
      for (let i = 0, size = 0; size < 40_000_000; i += 1) size += (lines[i] = line(i)).length;
      const data = Buffer.from(lines.join(''));
      const plain = path.join(workspace.dir, 'blocks');
      await fs.writeFile(plain, data);
      execFileSync('sh', ['-c', `xz -1 -T2 --block-size=16MiB -c "$0" > "$0.xz"`, plain]);
      const bin = await recordingXz(workspace, undefined);
      expect((await decodeWithXzIn(bin, `${plain}.xz`)).equals(data)).toBe(true);
      // On two threads, each holding a block in and out, this xz peaks at about 44 MB; on one, about 10.
      const peakKiB = Number((await fs.readFile(path.join(bin, 'rss.log'), 'utf8')).trim().split('\n').pop());
      expect(peakKiB).toBeLessThan(25 * 1024);
      expect(await fs.readFile(path.join(bin, 'args.log'), 'utf8')).toContain('--memlimit-mt=16MiB');
    },
  );

  it('runs an xz older than 5.4 without --memlimit-mt, which it would refuse', async () => {
    const workspace = await makeWorkspace();
    const { data, file } = await twoStreams(workspace, 'xz');
    const old = await recordingXz(workspace, '5.2.5');
    expect((await decodeWithXzIn(old, file)).equals(data)).toBe(true);
    expect((await fs.readFile(path.join(old, 'args.log'), 'utf8')).trim()).toBe('-d -c -q -T2');
  });

  it('hands on bzip2’s output in chunks of 16 KiB or more, although bzip2 writes 4 KiB at a time', async () => {
    const workspace = await makeWorkspace();
    const { data, file } = await twoStreams(workspace, 'bz2');
    const decoded = await collectChunks(decompress(createReadStream(file), 'bz2', { native: true }));
    expect(decoded.data.equals(data)).toBe(true);
    const sizes = decoded.sizes;
    expect(sizes.length).toBeGreaterThan(1);
    expect(sizes.slice(0, -1).every((size) => size >= 16 * 1024)).toBe(true);
  });

  it('hands on gzip’s output in chunks of more than 64 KiB (each one is a round trip to the thread pool)', async () => {
    const workspace = await makeWorkspace();
    const { data, file } = await twoStreams(workspace, 'gz');
    const decoded = await collectChunks(decompress(createReadStream(file), 'gz'));
    expect(decoded.data.equals(data)).toBe(true);
    expect(Math.max(...decoded.sizes)).toBeGreaterThan(64 * 1024);
  });

  describe('the bundled zstd decoder, frame by frame', () => {
    /** zstd's own frames (one with a checksum and content size, one streamed from stdin without either) with a skippable frame between them. */
    async function framesWithSkippable(workspace: Workspace): Promise<{ data: Buffer; bytes: Buffer }> {
      const { data, file } = await twoStreams(workspace, 'zst');
      const third = Buffer.from('third part, streamed\n'.repeat(5000));
      const streamed = execFileSync('zstd', ['-q', '-c', '--no-check', '-'], { input: third });
      const skippable = Buffer.alloc(8 + 5);
      skippable.writeUInt32LE(0x184d2a5e, 0);
      skippable.writeUInt32LE(5, 4);
      const bytes = Buffer.concat([await fs.readFile(file), skippable, streamed]);
      return { data: Buffer.concat([data, third]), bytes };
    }

    function inChunksOf(bytes: Buffer, size: number): Readable {
      const chunks: Buffer[] = [];
      for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
      return Readable.from(chunks);
    }

    it.each([997, 64 * 1024])(
      'decodes every frame and skips skippable ones, in %i-byte chunks',
      async (size) => {
        const workspace = await makeWorkspace();
        const { data, bytes } = await framesWithSkippable(workspace);
        expect(execFileSync('zstd', ['-d', '-c', '-q'], { input: bytes }).equals(data)).toBe(true);
        const decoded = await collect(decompress(inChunksOf(bytes, size), 'zst', { native: false }));
        expect(decoded.length).toBe(data.length);
        expect(decoded.equals(data)).toBe(true);
      },
    );

    it('refuses bytes after the last frame that are not a frame, and a frame cut short', async () => {
      const workspace = await makeWorkspace();
      const { bytes } = await framesWithSkippable(workspace);
      const trailing = Buffer.concat([bytes, Buffer.from('<html>')]);
      await expect(collect(decompress(Readable.from([trailing]), 'zst', { native: false }))).rejects.toThrow(
        'the bytes after zstd frame 3 are not another zstd frame',
      );
      const cut = bytes.subarray(0, bytes.length - 10);
      await expect(collect(decompress(Readable.from([cut]), 'zst', { native: false }))).rejects.toThrow(
        'the zstd data ends in the middle of a frame',
      );
    });
  });

  it.each(native)('unpacks a tar.%s with the bundled decoder when the image has no decoder', async (kind) => {
    const workspace = await makeWorkspace();
    const { tree, tarFile } = await buildTar(workspace);
    const asset = path.join(workspace.dir, `pkg.tar.${kind}`);
    compress(kind, tarFile, asset);
    const result = await withoutDecodersOnPath(workspace, () => unpackFile(workspace, asset));
    expect(result.format).toBe(`tar.${kind}`);
    await expectTreeUnpacked(workspace, tree);
  });

  it.each(native)('fails with the decoder’s own message on corrupt %s data', async (kind) => {
    const workspace = await makeWorkspace();
    const { file } = await twoStreams(workspace, kind);
    const bytes = await fs.readFile(file);
    // Flip bytes well inside the first stream's compressed data (past its header).
    for (let i = 40; i < 60; i++) bytes[i] = (bytes[i] ?? 0) ^ 0xff;
    const program = await findNativeDecoder(kind);
    await expect(collect(decompress(Readable.from([bytes]), kind))).rejects.toThrow(
      new RegExp(`^${path.basename(program ?? '')} exited with status \\d+`),
    );
  });

  it.each(native)('fails on a truncated %s with the image decoder too', async (kind) => {
    const workspace = await makeWorkspace();
    const { file } = await twoStreams(workspace, kind);
    const bytes = await fs.readFile(file);
    await expect(collect(decompress(Readable.from([bytes.subarray(0, 1000)]), kind))).rejects.toThrow(
      /exited with status/,
    );
  });

  it('passes the body’s own failure on unchanged and stops the decoder', async () => {
    const workspace = await makeWorkspace();
    const { file } = await twoStreams(workspace, 'xz');
    const bytes = await fs.readFile(file);
    const reset = new Error('socket reset');
    async function* failing(): AsyncGenerator<Buffer> {
      yield bytes.subarray(0, 100);
      throw reset;
    }
    await expect(collect(decompress(failing(), 'xz'))).rejects.toBe(reset);
  });

  it('stops the decoder at once when the consumer stops early, even with the body stalled', async () => {
    const workspace = await makeWorkspace();
    const { file } = await twoStreams(workspace, 'zst');
    // The image's zstd, started through a script that notes its pid (exec keeps it).
    const real = await findNativeDecoder('zst');
    const bin = path.join(workspace.dir, 'zstd-pid');
    await fs.mkdir(bin, { recursive: true });
    await fs.writeFile(path.join(bin, 'zstd'), `#!/bin/sh\necho $$ > "${bin}/pid"\nexec "${real}" "$@"\n`, {
      mode: 0o755,
    });
    // A download that delivered everything but has not ended: only a release (destroy) ends it.
    const body = new PassThrough();
    body.write(await fs.readFile(file));
    let chunks = 0;
    await withPath(pathWithFirst(bin), async () => {
      for await (const chunk of decompress(body, 'zst')) {
        expect(chunk.length).toBeGreaterThan(0);
        chunks += 1;
        break;
      }
    });
    expect(chunks).toBe(1);
    // The stop reached the decoder: its process is gone (killed and reaped) by the time the loop is left.
    const pid = Number(await fs.readFile(path.join(bin, 'pid'), 'utf8'));
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    // unpackAsset destroys its input after a stop; the feeder then lets go of it.
    body.destroy();
    expect(body.destroyed).toBe(true);
  });
});
