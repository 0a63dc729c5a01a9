import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeTree } from '../../src/archive/merge-tree.js';
import { UnsafeArchiveError } from '../../src/archive/archive-errors.js';
import { rawTar } from './helpers/tar-builder.js';
import { listTree, makeWorkspace, unpackBytes } from './helpers/unpack-helpers.js';

/** Unpacks a tar into a fresh staging root and returns that root. */
async function stage(name: string, tar: Buffer): Promise<string> {
  const workspace = await makeWorkspace();
  await unpackBytes(workspace, name, tar);
  return workspace.root;
}

describe('mergeTree', () => {
  it('moves every asset into the layer, merging directories and keeping modes and links', async () => {
    const layer = path.join((await makeWorkspace()).dir, 'layer');
    const first = await stage(
      'a.tar',
      rawTar([
        { name: 'bin/a', data: 'a', mode: 0o755 },
        { name: 'lib/liba.so.1', data: 'lib' },
        { name: 'lib/liba.so', type: '2', linkname: 'liba.so.1' },
      ]),
    );
    const second = await stage('b.tar', rawTar([{ name: 'bin/b', data: 'b', mode: 0o750 }]));
    await mergeTree(first, layer);
    await mergeTree(second, layer);
    expect(await listTree(layer)).toEqual(['bin', 'bin/a', 'bin/b', 'lib', 'lib/liba.so', 'lib/liba.so.1']);
    expect((await fs.stat(path.join(layer, 'bin/b'))).mode & 0o777).toBe(0o755);
    expect(await fs.readlink(path.join(layer, 'lib/liba.so'))).toBe('liba.so.1');
    // Files moved, not copied; only the emptied directories stay behind.
    expect(await listTree(second)).toEqual(['bin']);
  });

  it('refuses to replace a file another asset installed', async () => {
    const layer = path.join((await makeWorkspace()).dir, 'layer');
    await mergeTree(await stage('a.tar', rawTar([{ name: 'bin/tool', data: 'first' }])), layer);
    const error = await mergeTree(
      await stage('b.tar', rawTar([{ name: 'bin/tool', data: 'second' }])),
      layer,
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnsafeArchiveError);
    expect((error as UnsafeArchiveError).entry).toBe('bin/tool');
    expect((error as UnsafeArchiveError).reason).toMatch(/earlier asset/);
    expect(await fs.readFile(path.join(layer, 'bin/tool'), 'utf8')).toBe('first');
  });

  it('refuses to write through a symlink an earlier asset planted (symlink-then-write across assets)', async () => {
    const workspace = await makeWorkspace();
    const layer = path.join(workspace.dir, 'layer');
    await mergeTree(
      await stage(
        'a.tar',
        rawTar([
          { name: 'real/', type: '5' },
          { name: 'conf', type: '2', linkname: 'real' },
        ]),
      ),
      layer,
    );
    const error = await mergeTree(
      await stage('b.tar', rawTar([{ name: 'conf/passwd', data: 'x' }])),
      layer,
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnsafeArchiveError);
    expect((error as UnsafeArchiveError).entry).toBe('conf');
    expect(await fs.readdir(path.join(layer, 'real'))).toEqual([]);
  });

  it('never follows a link in the layer that points outside it', async () => {
    const workspace = await makeWorkspace();
    const layer = path.join(workspace.dir, 'layer');
    const outside = path.join(workspace.dir, 'outside');
    await fs.mkdir(outside);
    await fs.mkdir(layer);
    await fs.symlink(outside, path.join(layer, 'bin'));
    await expect(
      mergeTree(await stage('b.tar', rawTar([{ name: 'bin/tool', data: 'x' }])), layer),
    ).rejects.toThrow(UnsafeArchiveError);
    expect(await fs.readdir(outside)).toEqual([]);
  });

  it('refuses a directory where a file is, and a file where a directory is', async () => {
    const layer = path.join((await makeWorkspace()).dir, 'layer');
    await mergeTree(
      await stage(
        'a.tar',
        rawTar([
          { name: 'share', data: 'file' },
          { name: 'doc/x', data: 'x' },
        ]),
      ),
      layer,
    );
    await expect(
      mergeTree(await stage('b.tar', rawTar([{ name: 'share/x', data: 'x' }])), layer),
    ).rejects.toThrow(/"share"/);
    await expect(
      mergeTree(await stage('c.tar', rawTar([{ name: 'doc', data: 'x' }])), layer),
    ).rejects.toThrow(/"doc"/);
  });
});

describe('mergeTree: a collision between two assets of one layer says what happened', () => {
  it('names the asset being installed and the one already there, with advice that fits', async () => {
    const layer = path.join((await makeWorkspace()).dir, 'layer');
    const first = await makeWorkspace();
    const firstResult = await unpackBytes(first, 'tool-a.tar.gz', rawTar([{ name: 'bin/tool', data: 'a' }]));
    await mergeTree(first.root, layer, { assetName: 'tool-a.tar.gz' });
    const second = await stage('tool-b.zip', rawTar([{ name: 'bin/tool', data: 'b' }]));
    const error: unknown = await mergeTree(second, layer, {
      assetName: 'tool-b.zip',
      earlier: [{ assetName: 'tool-a.tar.gz', files: firstResult.files }],
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnsafeArchiveError);
    expect((error as UnsafeArchiveError).stage).toBe('install');
    expect((error as Error).message).toBe(
      'Refusing to install "tool-b.zip": its path "bin/tool" would replace a file that "tool-a.tar.gz" ' +
        'installed. Nothing from this asset was installed. Assets of the same repository share one layer, so ' +
        'their paths must not overlap: give one of the entries another destination, or leave the path out ' +
        'with include or strip_components.',
    );
    expect((error as Error).message).not.toMatch(/asset-\d|staging|strip_components and include\./);
  });

  it('a destination through a symlink an earlier asset planted names both assets', async () => {
    const workspace = await makeWorkspace();
    const layer = path.join(workspace.dir, 'layer');
    const first = await makeWorkspace();
    const firstResult = await unpackBytes(
      first,
      'links.tar',
      rawTar([
        { name: 'share/', type: '5' },
        { name: 'tools', type: '2', linkname: 'share' },
      ]),
    );
    await mergeTree(first.root, layer, { assetName: 'links.tar' });
    const second = await makeWorkspace();
    await unpackBytes(second, 'probe', Buffer.from('#!/bin/sh\n'), { destination: 'tools/probe' });
    const error: unknown = await mergeTree(second.root, layer, {
      assetName: 'probe',
      earlier: [{ assetName: 'links.tar', files: firstResult.files }],
    }).catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(
      /^Refusing to install "probe": its path "tools" is a directory, but "links\.tar" installed a symlink there/,
    );
    expect(await fs.readdir(path.join(layer, 'share'))).toEqual([]);
  });

  it('without the asset named, never shows the staging directory name', async () => {
    const workspace = await makeWorkspace();
    const layer = path.join(workspace.dir, 'layer');
    const staging = path.join(workspace.dir, 'asset-2');
    await fs.mkdir(path.join(staging, 'bin'), { recursive: true });
    await fs.writeFile(path.join(staging, 'bin/tool'), 'x');
    await fs.mkdir(path.join(layer, 'bin'), { recursive: true });
    await fs.writeFile(path.join(layer, 'bin/tool'), 'y');
    const error: unknown = await mergeTree(staging, layer).catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(
      /^Refusing to install an asset: its path "bin\/tool" would replace a file that an earlier asset of this layer installed/,
    );
    expect((error as Error).message).not.toContain('asset-2');
  });
});
