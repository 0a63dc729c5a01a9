import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LayerWriteError, UnsafeArchiveError } from '../../src/archive/archive-errors.js';
import { BuildpackError } from '../../src/errors.js';
import { paxRecord, rawTar, type RawTarMember } from './helpers/tar-builder.js';
import { run } from './helpers/tools.js';
import { rawZip, type RawZipMember } from './helpers/zip-builder.js';
import {
  listTree,
  makeWorkspace,
  unpackBytes,
  unpackFile,
  type Workspace,
} from './helpers/unpack-helpers.js';

/** Expects the unpack to fail with UnsafeArchiveError naming `entry`, and nothing to appear outside the root. */
async function expectRefused(
  workspace: Workspace,
  run: () => Promise<unknown>,
  entry: string,
  reason: RegExp,
): Promise<void> {
  const before = await listTree(workspace.dir);
  const error: unknown = await run().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UnsafeArchiveError);
  expect(error).toBeInstanceOf(BuildpackError);
  const unsafe = error as UnsafeArchiveError;
  expect(unsafe.name).toBe('UnsafeArchiveError');
  expect(unsafe.entry).toBe(entry);
  expect(unsafe.reason).toMatch(reason);
  expect(unsafe.message).toContain(JSON.stringify(entry));
  const outside = (await listTree(workspace.dir)).filter((name) => !name.startsWith('root'));
  expect(outside).toEqual(before.filter((name) => !name.startsWith('root')));
}

function refusedTar(members: RawTarMember[], entry: string, reason: RegExp): () => Promise<void> {
  return async () => {
    const workspace = await makeWorkspace();
    await expectRefused(
      workspace,
      () => unpackBytes(workspace, 'evil.tar.gz', rawTar(members)),
      entry,
      reason,
    );
  };
}

function refusedZip(members: RawZipMember[], entry: string, reason: RegExp): () => Promise<void> {
  return async () => {
    const workspace = await makeWorkspace();
    await expectRefused(workspace, () => unpackBytes(workspace, 'evil.zip', rawZip(members)), entry, reason);
  };
}

describe('hostile tar members are refused, naming the member', () => {
  it('an absolute path', refusedTar([{ name: '/tmp/evil', data: 'x' }], '/tmp/evil', /absolute/));
  it('a path that climbs with ..', refusedTar([{ name: '../evil', data: 'x' }], '../evil', /'\.\.'/));
  it(
    'a path with .. in the middle',
    refusedTar([{ name: 'a/../../evil', data: 'x' }], 'a/../../evil', /'\.\.'/),
  );
  it(
    'a symlink to an absolute path',
    refusedTar([{ name: 'etc', type: '2', linkname: '/etc' }], 'etc', /absolute path "\/etc"/),
  );
  it(
    'a symlink that climbs out of the root',
    refusedTar([{ name: 'bin/up', type: '2', linkname: '../../outside' }], 'bin/up', /outside the layer/),
  );
  it(
    'a symlink whose .. follows a name (it could climb through another link)',
    refusedTar([{ name: 's/x', type: '2', linkname: 'd/../..' }], 's/x', /after a name/),
  );
  it(
    'a member written through a symlink planted by an earlier member',
    refusedTar(
      [
        { name: 'real/', type: '5' },
        { name: 'conf', type: '2', linkname: 'real' },
        { name: 'conf/passwd', data: 'x' },
      ],
      'conf/passwd',
      /through the symlink "conf"/,
    ),
  );
  it(
    'a member that replaces a symlink',
    refusedTar(
      [
        { name: 'tool', type: '2', linkname: 'other' },
        { name: 'tool', data: 'x' },
      ],
      'tool',
      /replace the symlink/,
    ),
  );
  it(
    'a hard link to a path outside',
    refusedTar([{ name: 'passwd', type: '1', linkname: '/etc/passwd' }], 'passwd', /absolute/),
  );
  it(
    'a hard link to a file the archive has not written',
    refusedTar(
      [{ name: 'copy', type: '1', linkname: 'missing' }],
      'copy',
      /not a file this archive has unpacked/,
    ),
  );
  it(
    'a hard link to a symlink',
    refusedTar(
      [
        { name: 'link', type: '2', linkname: 'x' },
        { name: 'hard', type: '1', linkname: 'link' },
      ],
      'hard',
      /not a file this archive has unpacked/,
    ),
  );
  it.each([
    ['3', 'CharacterDevice'],
    ['4', 'BlockDevice'],
    ['6', 'FIFO'],
    ['V', 'TapeVolumeHeader'],
  ])('a member of type %s (%s)', async (type, kind) => {
    await refusedTar([{ name: 'dev', type }], 'dev', new RegExp(kind))();
  });

  it('a symlink planted in the root before (by an earlier asset) is not written through', async () => {
    const workspace = await makeWorkspace();
    const outside = path.join(workspace.dir, 'outside');
    await fs.mkdir(outside);
    await fs.symlink(outside, path.join(workspace.root, 'bin'));
    await expectRefused(
      workspace,
      () => unpackBytes(workspace, 'next.tar', rawTar([{ name: 'bin/tool', data: 'x' }])),
      'bin/tool',
      /through the symlink "bin"/,
    );
    expect(await fs.readdir(outside)).toEqual([]);
  });

  it('a raw asset is not written through a planted symlink either', async () => {
    const workspace = await makeWorkspace();
    const outside = path.join(workspace.dir, 'outside');
    await fs.mkdir(outside);
    await fs.symlink(path.join(outside, 'target'), path.join(workspace.root, 'tool'));
    await expectRefused(
      workspace,
      () => unpackBytes(workspace, 'tool', Buffer.from('#!/bin/sh\n'), { destination: 'tool' }),
      'tool',
      /replace the symlink/,
    );
    expect(await fs.readdir(outside)).toEqual([]);
  });

  it('handles pax extended and global headers as the normal members they are', async () => {
    const workspace = await makeWorkspace();
    const record = (text: string): string => {
      const length = text.length + 4; // two length digits, a space and a newline
      return `${length} ${text}\n`;
    };
    const archive = rawTar([
      { name: 'pax_global_header', type: 'g', data: record('comment=hello') },
      { name: 'PaxHeader/short', type: 'x', data: record('path=long/name/from/pax') },
      { name: 'short', data: 'content' },
    ]);
    const result = await unpackBytes(workspace, 'pax.tar', archive);
    expect(result.files).toEqual(['long/name/from/pax']);
  });
});

describe('sparse files are refused clearly, whichever way GNU tar wrote them', () => {
  /** A 2 MiB file with 5 bytes of data in the middle, archived by GNU tar with `args`. */
  async function sparseArchive(workspace: Workspace, name: string, args: readonly string[]): Promise<string> {
    const source = path.join(workspace.dir, 'src');
    await fs.mkdir(source);
    const handle = await fs.open(path.join(source, 'disk.img'), 'w');
    await handle.write('hello', 1024 * 1024);
    await handle.truncate(2 * 1024 * 1024);
    await handle.close();
    const asset = path.join(workspace.dir, name);
    run('tar', ['--sparse', ...args, '-cf', asset, 'disk.img'], source);
    return asset;
  }

  it.each([
    ['1.0', /^\.\/GNUSparseFile\.\d+\/disk\.img$/],
    ['0.1', /^\.\/GNUSparseFile\.\d+\/disk\.img$/],
    ['0.0', /^disk\.img$/],
  ])('PAX sparse format %s (tar --sparse --format=pax)', async (version, stored) => {
    const workspace = await makeWorkspace();
    const asset = await sparseArchive(workspace, 'image.tar', [
      '--format=pax',
      `--sparse-version=${version}`,
    ]);
    const error: unknown = await unpackFile(workspace, asset).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnsafeArchiveError);
    const unsafe = error as UnsafeArchiveError;
    expect(unsafe.entry).toMatch(stored);
    expect(unsafe.reason).toBe(
      `is a sparse file (GNU sparse format ${version} in a pax header) entry; only files, directories and links are installed`,
    );
    expect(unsafe.message).toContain('(tar without --sparse)');
    // Neither the sparse map and data (what 1.0 stores) nor the bare data blocks (0.0) were installed.
    expect(await listTree(workspace.root)).toEqual([]);
  });

  it('PAX sparse inside a tar.gz, after an ordinary member that is kept out', async () => {
    const workspace = await makeWorkspace();
    const source = path.join(workspace.dir, 'src');
    const asset = await sparseArchive(workspace, 'image.tar', ['--format=pax']);
    await fs.writeFile(path.join(source, 'README'), 'read me');
    run('tar', ['--sparse', '--format=pax', '-czf', `${asset}.gz`, 'README', 'disk.img'], source);
    await expect(unpackFile(workspace, `${asset}.gz`)).rejects.toThrow(
      /sparse file \(GNU sparse format 1\.0/,
    );
  });

  it('old GNU sparse members (tar --sparse --format=gnu)', async () => {
    const workspace = await makeWorkspace();
    const asset = await sparseArchive(workspace, 'image.tar', ['--format=gnu']);
    await expectRefused(
      workspace,
      () => unpackFile(workspace, asset),
      'disk.img',
      /^is a sparse file \(old GNU format\) entry/,
    );
  });

  it('a plain member whose name only looks like a sparse one is installed as it is', async () => {
    const workspace = await makeWorkspace();
    const result = await unpackBytes(
      workspace,
      'odd.tar',
      rawTar([{ name: 'GNUSparseFile.12/disk.img', data: 'plain' }]),
    );
    expect(result.files).toEqual(['GNUSparseFile.12/disk.img']);
  });

  it('a sparse pax header on one member does not leak to the next', async () => {
    const workspace = await makeWorkspace();
    const archive = rawTar([
      { name: 'PaxHeader/a', type: 'x', data: paxRecord('comment=GNU.sparse.major=1') },
      { name: 'a', data: 'first' },
      { name: 'b', data: 'second' },
    ]);
    expect((await unpackBytes(workspace, 'ok.tar', archive)).files).toEqual(['a', 'b']);
  });
});

describe('over-long names are refused in a few words', () => {
  it('a path component over 255 bytes, quoted shortened', async () => {
    const workspace = await makeWorkspace();
    const name = `dir/${'n'.repeat(300)}`;
    const archive = rawTar([
      { name: 'PaxHeader/x', type: 'x', data: paxRecord(`path=${name}`) },
      { name: 'x', data: 'x' },
    ]);
    const error: unknown = await unpackBytes(workspace, 'long.tar', archive).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(UnsafeArchiveError);
    expect((error as UnsafeArchiveError).entry).toBe(name);
    expect((error as UnsafeArchiveError).reason).toMatch(/component longer than 255 bytes/);
    expect((error as Error).message).toContain('(304 bytes long)');
    expect((error as Error).message.length).toBeLessThan(600);
  });

  it('a 5,000-byte path made of short components', async () => {
    const workspace = await makeWorkspace();
    const name = `${'abcdefgh/'.repeat(560)}tool`;
    const archive = rawTar([
      { name: 'PaxHeader/x', type: 'x', data: paxRecord(`path=${name}`) },
      { name: 'x', data: 'x' },
    ]);
    const error: unknown = await unpackBytes(workspace, 'deep.tar', archive).catch(
      (caught: unknown) => caught,
    );
    expect((error as UnsafeArchiveError).reason).toMatch(/path longer than 4095 bytes/);
    expect((error as Error).message.length).toBeLessThan(600);
  });

  it('a name the file system refuses under a deep layer path: no staging path in the message', async () => {
    const workspace = await makeWorkspace();
    // The layer root itself sits 3,900 bytes deep, so a legal 245-byte member crosses PATH_MAX.
    let root = workspace.root;
    for (let depth = 0; depth < 16; depth++) {
      root = path.join(root, 'd'.repeat(240));
      await fs.mkdir(root);
    }
    const member = `${'m'.repeat(240)}/tool`;
    const archive = rawTar([
      { name: 'PaxHeader/x', type: 'x', data: paxRecord(`path=${member}`) },
      { name: 'x', data: 'x' },
    ]);
    const error: unknown = await unpackBytes(workspace, 'deep.tar', archive, { root }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(LayerWriteError);
    expect((error as LayerWriteError).code).toBe('ENAMETOOLONG');
    expect((error as LayerWriteError).entry).toBe(member);
    expect((error as Error).message).not.toContain('d'.repeat(240));
    expect((error as Error).message).toMatch(
      /^Could not write "m+…m+\/tool" \(245 bytes long\) of "deep\.tar" into the layer: its path is longer than the file system allows \(ENAMETOOLONG\)/,
    );
  });
});

describe('hostile zip members are refused, naming the member', () => {
  it('a backslash path', refusedZip([{ name: '..\\evil', data: 'x' }], '..\\evil', /backslash/));
  it('a drive letter', refusedZip([{ name: 'C:/evil', data: 'x' }], 'C:/evil', /drive letter/));
  it('a path with ..', refusedZip([{ name: 'a/../../evil', data: 'x' }], 'a/../../evil', /'\.\.'/));
  it('an absolute path', refusedZip([{ name: '/evil', data: 'x' }], '/evil', /absolute/));
  it(
    'a NUL byte in the name',
    refusedZip([{ name: 'ok\u0000/../evil', data: 'x' }], 'ok\u0000/../evil', /NUL/),
  );
  it(
    'a symlink to an absolute path',
    refusedZip([{ name: 'etc', data: '/etc', unixMode: 0o120777 }], 'etc', /absolute/),
  );
  it(
    'a symlink then a write through it',
    refusedZip(
      [
        { name: 'sub/', unixMode: 0o040755 },
        { name: 'link', data: 'sub', unixMode: 0o120777 },
        { name: 'link/file', data: 'x' },
      ],
      'link/file',
      /through the symlink "link"/,
    ),
  );
  it('a character device', refusedZip([{ name: 'tty', unixMode: 0o020644 }], 'tty', /CharacterDevice/));

  it('a symlink stored by zip --symlinks that points outside', async () => {
    const workspace = await makeWorkspace();
    const source = path.join(workspace.dir, 'src');
    await fs.mkdir(source);
    await fs.symlink('/etc/passwd', path.join(source, 'passwd'));
    const asset = path.join(workspace.dir, 'links.zip');
    run('zip', ['-q', '--symlinks', asset, 'passwd'], source);
    await expectRefused(
      workspace,
      () => unpackFile(workspace, asset),
      'passwd',
      /absolute path "\/etc\/passwd"/,
    );
  });
});
