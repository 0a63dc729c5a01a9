import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSourceTree } from './helpers/source-tree.js';
import { rawTar } from './helpers/tar-builder.js';
import { run } from './helpers/tools.js';
import { rawZip } from './helpers/zip-builder.js';
import {
  listTree,
  makeWorkspace,
  unpackBytes,
  unpackFile,
  type Workspace,
} from './helpers/unpack-helpers.js';

async function releaseArchives(workspace: Workspace): Promise<{ tarGz: string; zip: string }> {
  const tree = await writeSourceTree(path.join(workspace.dir, 'src'));
  const tarGz = path.join(workspace.dir, 'pkg.tar.gz');
  const zip = path.join(workspace.dir, 'pkg.zip');
  run('tar', ['-C', tree.dir, '-czf', tarGz, 'pkg-1.0']);
  run('zip', ['-q', '-r', '-y', zip, 'pkg-1.0'], tree.dir);
  return { tarGz, zip };
}

describe('unpackAsset: where archive members land', () => {
  it.each(['tarGz', 'zip'] as const)('strip_components = 1 drops the top directory (%s)', async (kind) => {
    const workspace = await makeWorkspace();
    const asset = (await releaseArchives(workspace))[kind];
    const result = await unpackFile(workspace, asset, { stripComponents: 1 });
    expect(result.files).toEqual([
      'bin/tool',
      'etc/tool.conf',
      'lib/libtool.so',
      'lib/libtool.so.1',
      'share/doc/README.md',
    ]);
    expect(await fs.readlink(path.join(workspace.root, 'lib/libtool.so'))).toBe('libtool.so.1');
  });

  it.each(['tarGz', 'zip'] as const)(
    'strip_components = 2 skips members with fewer components (%s)',
    async (kind) => {
      const workspace = await makeWorkspace();
      const asset = (await releaseArchives(workspace))[kind];
      const result = await unpackFile(workspace, asset, { stripComponents: 2 });
      expect(result.files).toEqual(['doc/README.md', 'libtool.so', 'libtool.so.1', 'tool', 'tool.conf']);
      expect(await listTree(workspace.root)).toEqual([
        'doc',
        'doc/README.md',
        'libtool.so',
        'libtool.so.1',
        'tool',
        'tool.conf',
      ]);
    },
  );

  it('counts a leading "./" as a component, as GNU tar does', async () => {
    const workspace = await makeWorkspace();
    const tree = await writeSourceTree(path.join(workspace.dir, 'src'), '.');
    const asset = path.join(workspace.dir, 'dot.tar');
    run('tar', ['-C', tree.dir, '-cf', asset, '.']);
    const result = await unpackFile(workspace, asset, { stripComponents: 1 });
    expect(result.files).toContain('bin/tool');
  });

  it.each(['tarGz', 'zip'] as const)(
    'include globs keep matching members, after stripping (%s)',
    async (kind) => {
      const workspace = await makeWorkspace();
      const asset = (await releaseArchives(workspace))[kind];
      const result = await unpackFile(workspace, asset, {
        stripComponents: 1,
        include: ['bin/*', 'lib/*.so*'],
      });
      expect(result.files).toEqual(['bin/tool', 'lib/libtool.so', 'lib/libtool.so.1']);
      expect(await listTree(workspace.root)).toEqual([
        'bin',
        'bin/tool',
        'lib',
        'lib/libtool.so',
        'lib/libtool.so.1',
      ]);
    },
  );

  it.each(['tarGz', 'zip'] as const)('unpacks into the destination directory (%s)', async (kind) => {
    const workspace = await makeWorkspace();
    const asset = (await releaseArchives(workspace))[kind];
    const result = await unpackFile(workspace, asset, {
      destination: 'bin',
      stripComponents: 2,
      include: ['tool'],
    });
    expect(result.files).toEqual(['bin/tool']);
    expect((await fs.stat(path.join(workspace.root, 'bin/tool'))).mode & 0o777).toBe(0o755);
  });

  it('gives any run user read (and execute where the owner has it), never setuid, setgid or sticky', async () => {
    const workspace = await makeWorkspace();
    const archive = rawTar([
      { name: 'suid', mode: 0o4755, data: 'x' },
      { name: 'sgid', mode: 0o2750, data: 'x' },
      { name: 'private', mode: 0o600, data: 'x' },
      { name: 'sticky/', type: '5', mode: 0o1777 },
    ]);
    await unpackBytes(workspace, 'modes.tar', archive);
    const modeOf = async (name: string): Promise<number> =>
      (await fs.stat(path.join(workspace.root, name))).mode & 0o7777;
    expect(await modeOf('suid')).toBe(0o755);
    expect(await modeOf('sgid')).toBe(0o755);
    expect(await modeOf('private')).toBe(0o644);
    expect(await modeOf('sticky')).toBe(0o755);
  });

  it('reads zip modes from Unix attributes and gives sensible defaults without them', async () => {
    const workspace = await makeWorkspace();
    const archive = rawZip([
      { name: 'run', data: '#!/bin/sh\n', unixMode: 0o100750 },
      { name: 'plain', data: 'x', unixMode: 0 },
      { name: 'dir/', unixMode: 0 },
    ]);
    await unpackBytes(workspace, 'modes.zip', archive);
    expect((await fs.stat(path.join(workspace.root, 'run'))).mode & 0o777).toBe(0o755);
    expect((await fs.stat(path.join(workspace.root, 'plain'))).mode & 0o777).toBe(0o644);
    expect((await fs.stat(path.join(workspace.root, 'dir'))).isDirectory()).toBe(true);
  });

  it('lets a later member of the same path win, as tar does', async () => {
    const workspace = await makeWorkspace();
    const archive = rawTar([
      { name: 'tool', data: 'old' },
      { name: 'tool', data: 'new', mode: 0o755 },
    ]);
    const result = await unpackBytes(workspace, 'dup.tar', archive);
    expect(result.files).toEqual(['tool']);
    expect(await fs.readFile(path.join(workspace.root, 'tool'), 'utf8')).toBe('new');
  });

  it('writes a hard link to a file unpacked earlier', async () => {
    const workspace = await makeWorkspace();
    const archive = rawTar([
      { name: 'pkg/bin/git', data: 'binary', mode: 0o755 },
      { name: 'pkg/bin/git-upload-pack', type: '1', linkname: 'pkg/bin/git' },
    ]);
    const result = await unpackBytes(workspace, 'links.tar', archive, { stripComponents: 1 });
    expect(result.files).toEqual(['bin/git', 'bin/git-upload-pack']);
    expect(await fs.readFile(path.join(workspace.root, 'bin/git-upload-pack'), 'utf8')).toBe('binary');
  });

  it('accepts symlinks that climb through real directories but stay inside', async () => {
    const workspace = await makeWorkspace();
    const archive = rawTar([
      { name: 'lib/libx.so.1', data: 'lib' },
      { name: 'bin/libx', type: '2', linkname: '../lib/libx.so.1' },
      { name: 'bin/self', type: '2', linkname: '.' },
    ]);
    const result = await unpackBytes(workspace, 'ok-links.tar', archive);
    expect(result.files).toEqual(['bin/libx', 'bin/self', 'lib/libx.so.1']);
    expect(await fs.readFile(path.join(workspace.root, 'bin/libx'), 'utf8')).toBe('lib');
  });
});
