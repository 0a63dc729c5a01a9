import fs from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BuildpackError } from '../../src/errors.js';
import { rawTar, type RawTarMember } from './helpers/tar-builder.js';
import { rawZip, type RawZipMember } from './helpers/zip-builder.js';
import { listTree, makeWorkspace, unpackBytes } from './helpers/unpack-helpers.js';

const segment = fc.constantFrom('a', 'b', 'bin', '.', '..', '', 'x y', 'ü');
const memberPath = fc
  .tuple(fc.boolean(), fc.array(segment, { minLength: 1, maxLength: 4 }), fc.boolean())
  .map(
    ([absolute, parts, trailingSlash]) =>
      `${absolute ? '/' : ''}${parts.join('/')}${trailingSlash ? '/' : ''}`,
  )
  .filter((name) => name.length > 0 && name.length <= 100);
const linkTarget = fc
  .tuple(fc.boolean(), fc.array(segment, { minLength: 1, maxLength: 5 }))
  .map(([absolute, parts]) => `${absolute ? '/' : ''}${parts.join('/')}`)
  .filter((target) => target.length > 0 && target.length <= 100);

type Member =
  | { kind: 'file'; name: string; data: string }
  | { kind: 'dir'; name: string }
  | { kind: 'symlink'; name: string; target: string }
  | { kind: 'hardlink'; name: string; target: string };

const member: fc.Arbitrary<Member> = fc.oneof(
  fc.record({ kind: fc.constant('file' as const), name: memberPath, data: fc.string({ maxLength: 20 }) }),
  fc.record({ kind: fc.constant('dir' as const), name: memberPath }),
  fc.record({ kind: fc.constant('symlink' as const), name: memberPath, target: linkTarget }),
  fc.record({ kind: fc.constant('hardlink' as const), name: memberPath, target: memberPath }),
);

function toTar(members: readonly Member[]): Buffer {
  return rawTar(
    members.map((entry): RawTarMember => {
      switch (entry.kind) {
        case 'file':
          return { name: entry.name, data: entry.data };
        case 'dir':
          return { name: entry.name, type: '5', mode: 0o755 };
        case 'symlink':
          return { name: entry.name, type: '2', linkname: entry.target };
        case 'hardlink':
          return { name: entry.name, type: '1', linkname: entry.target };
      }
    }),
  );
}

function toZip(members: readonly Member[]): Buffer {
  return rawZip(
    members
      .filter((entry) => entry.kind !== 'hardlink')
      .map((entry): RawZipMember => {
        switch (entry.kind) {
          case 'dir':
            return { name: entry.name.endsWith('/') ? entry.name : `${entry.name}/`, unixMode: 0o040755 };
          case 'symlink':
            return { name: entry.name, data: entry.target, unixMode: 0o120777 };
          default:
            return { name: entry.name, data: entry.kind === 'file' ? entry.data : '' };
        }
      }),
  );
}

/** Symlinks under `root` that resolve (on disk) outside it, or whose target is absolute. */
async function linksEscaping(root: string): Promise<string[]> {
  const escaping: string[] = [];
  for (const name of await fs.readdir(root, { recursive: true })) {
    const full = path.join(root, name);
    const stats = await fs.lstat(full);
    if (!stats.isSymbolicLink()) continue;
    const real = await fs.realpath(full).catch(() => undefined);
    // A dangling link is fine; one that resolves must resolve inside the root.
    if (real !== undefined && real !== root && !real.startsWith(`${root}${path.sep}`)) escaping.push(name);
    const target = await fs.readlink(full);
    if (path.isAbsolute(target)) escaping.push(name);
  }
  return escaping;
}

describe('property: random member lists never escape the root', () => {
  it.each([
    ['tar', toTar],
    ['zip', toZip],
  ] as const)('%s', async (format, build) => {
    await fc.assert(
      fc.asyncProperty(fc.array(member, { maxLength: 8 }), fc.nat({ max: 2 }), async (members, strip) => {
        const workspace = await makeWorkspace();
        const outsideRoot = async (): Promise<string[]> =>
          (await listTree(workspace.dir)).filter((name) => name !== 'root' && !name.startsWith('root/'));
        const before = await outsideRoot();
        try {
          await unpackBytes(workspace, `random.${format}`, build(members), { stripComponents: strip });
        } catch (error) {
          // Refusing is fine; crashing with anything but a buildpack error is not.
          expect(error).toBeInstanceOf(BuildpackError);
        }
        expect(await outsideRoot()).toEqual(before);
        expect(await linksEscaping(workspace.root)).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });
});
