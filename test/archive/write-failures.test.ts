import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LayerWriteError } from '../../src/archive/archive-errors.js';
import { mergeTree } from '../../src/archive/merge-tree.js';
import { rawTar } from './helpers/tar-builder.js';
import { makeWorkspace, unpackBytes } from './helpers/unpack-helpers.js';

/** Whether this process may mount a small tmpfs (root in a container that allows it). */
function canMount(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync(
      'sh',
      ['-c', 'd=$(mktemp -d) && mount -t tmpfs -o size=64k tmpfs "$d" && umount "$d"; rmdir "$d"'],
      {
        stdio: 'ignore',
      },
    );
    return true;
  } catch {
    return false;
  }
}

const mounted: string[] = [];
afterEach(() => {
  for (const dir of mounted.splice(0)) execFileSync('umount', [dir]);
});

/** A fresh tmpfs of `size` mounted at `dir`, unmounted after the test. */
async function mountTmpfs(dir: string, size: string, options = ''): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}${options}`, 'tmpfs', dir]);
  mounted.push(dir);
}

/**
 * Unpacks `archive` into the layer root `rootPath` on a fresh 256 KiB tmpfs, and returns what it failed with
 * (or its result, which the tests then refuse).
 */
async function unpackOnSmallTmpfs(assetName: string, archive: Buffer, rootPath: string): Promise<unknown> {
  const workspace = await makeWorkspace();
  const small = path.join(workspace.dir, 'small');
  await mountTmpfs(small, '256k');
  const root = path.join(small, ...rootPath.split('/'));
  await fs.mkdir(root, { recursive: true });
  return unpackBytes(workspace, assetName, archive, { root }).catch((caught: unknown) => caught);
}

describe.skipIf(!canMount())(
  'a layers file system that refuses writes gives a plain message (needs root and mount)',
  () => {
    it('a full file system: names the asset, the member and ENOSPC, never the staging path', async () => {
      const archive = rawTar([{ name: 'bin/big', data: randomBytes(1024 * 1024) }]);
      const error = await unpackOnSmallTmpfs('big.tar', archive, 'staging-with-a-long-name/asset-1');
      expect(error).toBeInstanceOf(LayerWriteError);
      expect((error as LayerWriteError).code).toBe('ENOSPC');
      expect((error as Error).message).toBe(
        'Could not write "bin/big" of "big.tar" into the layer: the file system is full (ENOSPC). Free space ' +
          'where the layers directory lives, or give the build more disk.',
      );
    });

    it('a file system with room for part of a write: the member fails with ENOSPC, not cut short', async () => {
      // Smaller than one write batch: the whole member is one write, of which the file system takes what
      // fits and reports no error until the next write.
      const archive = rawTar([{ name: 'bin/tool', data: randomBytes(300 * 1024) }]);
      const error = await unpackOnSmallTmpfs('tool.tar', archive, 'asset-1');
      expect(error).toBeInstanceOf(LayerWriteError);
      expect((error as LayerWriteError).code).toBe('ENOSPC');
    });

    it('a read-only layer: names the asset and EROFS', async () => {
      const workspace = await makeWorkspace();
      const staged = await makeWorkspace();
      await unpackBytes(staged, 'tool.tar', rawTar([{ name: 'bin/tool', data: 'x' }]));
      const layers = path.join(workspace.dir, 'layers');
      await mountTmpfs(layers, '64k', ',ro');
      const error: unknown = await mergeTree(staged.root, path.join(layers, 'layer'), {
        assetName: 'tool.tar',
      }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(LayerWriteError);
      expect((error as Error).message).toMatch(
        /^Could not create the layer directory for "tool\.tar": the layers directory is read-only \(EROFS\)/,
      );
    });
  },
);
