import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mergeTree } from '../../src/archive/merge-tree.js';
import { rawTar } from './helpers/tar-builder.js';
import { run } from './helpers/tools.js';
import { rawZip } from './helpers/zip-builder.js';
import { makeWorkspace, unpackBytes, unpackFile, type Workspace } from './helpers/unpack-helpers.js';

/** Archive member modes and the mode any run user needs them installed with. */
const FILE_MODES: readonly (readonly [string, number, number])[] = [
  ['owner-only-tool', 0o700, 0o755],
  ['secret.conf', 0o600, 0o644],
  ['open-tool', 0o777, 0o755],
  ['group.conf', 0o640, 0o644],
  ['readonly.txt', 0o444, 0o444],
  ['write-only', 0o200, 0o644],
  ['group-exec-only', 0o610, 0o644],
  ['setuid-tool', 0o4711, 0o755],
];

/** A source tree of those files under `top/`, and a directory that only its owner may enter. */
async function writeModeTree(workspace: Workspace): Promise<string> {
  const source = path.join(workspace.dir, 'src');
  await fs.mkdir(path.join(source, 'top/private'), { recursive: true });
  for (const [name, mode] of FILE_MODES) {
    await fs.writeFile(path.join(source, 'top', name), name);
    await fs.chmod(path.join(source, 'top', name), mode);
  }
  await fs.writeFile(path.join(source, 'top/private/data'), 'data');
  await fs.chmod(path.join(source, 'top/private/data'), 0o600);
  await fs.chmod(path.join(source, 'top/private'), 0o700);
  return source;
}

async function modeOf(file: string): Promise<number> {
  return (await fs.stat(file)).mode & 0o7777;
}

async function expectRunUserModes(root: string): Promise<void> {
  for (const [name, archived, installed] of FILE_MODES) {
    expect(await modeOf(path.join(root, 'top', name)), `${name} archived ${archived.toString(8)}`).toBe(
      installed,
    );
  }
  expect(await modeOf(path.join(root, 'top'))).toBe(0o755);
  expect(await modeOf(path.join(root, 'top/private'))).toBe(0o755);
  expect(await modeOf(path.join(root, 'top/private/data'))).toBe(0o644);
}

describe('installed files are usable by any run user, writable by none but the owner', () => {
  let umask: number;
  beforeEach(() => {
    // The strictest umask a build user may have: nothing the buildpack creates may depend on it.
    umask = process.umask(0o077);
  });
  afterEach(() => {
    process.umask(umask);
  });

  it('a tar made by GNU tar, with 0700, 0600, 0777, 0640 members and a 0700 directory', async () => {
    const workspace = await makeWorkspace();
    const source = await writeModeTree(workspace);
    const asset = path.join(workspace.dir, 'modes.tar.gz');
    run('tar', ['-czf', asset, 'top'], source);
    await unpackFile(workspace, asset);
    await expectRunUserModes(workspace.root);
  });

  it('a zip made by Info-ZIP, with the same members', async () => {
    const workspace = await makeWorkspace();
    const source = await writeModeTree(workspace);
    const asset = path.join(workspace.dir, 'modes.zip');
    run('zip', ['-q', '-r', asset, 'top'], source);
    await unpackFile(workspace, asset);
    await expectRunUserModes(workspace.root);
  });

  it('world-writable directories and sticky bits in a tar and a zip are not kept', async () => {
    const workspace = await makeWorkspace();
    await unpackBytes(
      workspace,
      'open.tar',
      rawTar([
        { name: 'tmp/', type: '5', mode: 0o1777 },
        { name: 'tmp/file', mode: 0o666, data: 'x' },
      ]),
    );
    expect(await modeOf(path.join(workspace.root, 'tmp'))).toBe(0o755);
    expect(await modeOf(path.join(workspace.root, 'tmp/file'))).toBe(0o644);
    const zipped = await makeWorkspace();
    await unpackBytes(
      zipped,
      'open.zip',
      rawZip([
        { name: 'shared/', unixMode: 0o041777 },
        { name: 'shared/run', unixMode: 0o106777, data: 'x' },
      ]),
    );
    expect(await modeOf(path.join(zipped.root, 'shared'))).toBe(0o755);
    expect(await modeOf(path.join(zipped.root, 'shared/run'))).toBe(0o755);
  });

  it('directories made for a destination and for the layer itself are traversable too', async () => {
    const workspace = await makeWorkspace();
    await unpackBytes(workspace, 'probe', Buffer.from('#!/bin/sh\n'), { destination: 'opt/tools/probe' });
    expect(await modeOf(path.join(workspace.root, 'opt'))).toBe(0o755);
    expect(await modeOf(path.join(workspace.root, 'opt/tools'))).toBe(0o755);
    expect(await modeOf(path.join(workspace.root, 'opt/tools/probe'))).toBe(0o755);
    const layer = path.join(workspace.dir, 'layer');
    await mergeTree(workspace.root, layer, { assetName: 'probe' });
    expect(await modeOf(layer)).toBe(0o755);
    expect(await modeOf(path.join(layer, 'opt/tools'))).toBe(0o755);
    expect(await modeOf(path.join(layer, 'opt/tools/probe'))).toBe(0o755);
  });
});
