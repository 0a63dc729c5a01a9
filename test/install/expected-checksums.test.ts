import { describe, expect, it } from 'vitest';
import {
  collectExpectedChecksums,
  findChecksum,
  verifyChecksums,
} from '../../src/install/expected-checksums.js';
import { ChecksumMismatchError } from '../../src/install/errors.js';

const a = 'a'.repeat(64);
const b = 'b'.repeat(64);
const c = 'C'.repeat(64);

describe('findChecksum', () => {
  it('reads GNU lines, binary-mode stars and paths', () => {
    const text = `${a}  tool_linux_amd64.tar.gz\n${b} *tool_linux_arm64.tar.gz\n${c}  dist/tool.zip\n`;
    expect(findChecksum(text, 'tool_linux_amd64.tar.gz')).toBe(a);
    expect(findChecksum(text, 'tool_linux_arm64.tar.gz')).toBe(b);
    expect(findChecksum(text, 'tool.zip')).toBe(c.toLowerCase());
    expect(findChecksum(text, 'tool_linux_amd64')).toBeUndefined();
  });

  it('reads BSD lines and lone hashes', () => {
    expect(findChecksum(`SHA256 (tool.tgz) = ${a}\n`, 'tool.tgz')).toBe(a);
    expect(findChecksum(`${b}\n`, 'anything')).toBe(b);
  });
});

const entryOf = (sha256: string | undefined, sha256ByPlatform?: Record<string, string>) => ({
  sha256,
  sha256ByPlatform,
  index: 1,
  repo: 'acme/tool',
});
const amd64 = { target: { os: 'linux', arch: 'amd64' }, requireChecksum: false };

describe('collectExpectedChecksums', () => {
  it('gathers the pin, the digest and the checksums file, in that order', async () => {
    const expected = await collectExpectedChecksums(
      entryOf(a),
      { digest: `sha256:${a}` },
      { name: 'checksums.txt', read: async () => `${a}  tool.tgz\n` },
      'tool.tgz',
      amd64,
    );
    expect(expected.map((e) => e.source)).toEqual([
      'sha256 pinned in the configuration',
      "release's GitHub digest",
      'checksums file checksums.txt',
    ]);
  });

  it('says which file lacks the asset', async () => {
    await expect(
      collectExpectedChecksums(
        entryOf(undefined),
        { digest: null },
        { name: 'SHA256SUMS', read: async () => `${a}  other\n` },
        'tool.tgz',
        amd64,
      ),
    ).rejects.toThrow(/SHA256SUMS has no sha256 for tool.tgz/);
  });

  it('is empty when nothing is published', async () => {
    expect(
      await collectExpectedChecksums(entryOf(undefined), { digest: null }, undefined, 'x', amd64),
    ).toEqual([]);
  });

  it("takes the pin of the build's platform from a sha256 table", async () => {
    const pins = entryOf(undefined, { 'linux/amd64': a, 'linux/arm64': b });
    const arm64 = { ...amd64, target: { os: 'linux', arch: 'arm64' } };
    expect(await collectExpectedChecksums(pins, undefined, undefined, 'x', amd64)).toEqual([
      { source: 'sha256 pinned in the configuration', sha256: a },
    ]);
    expect(await collectExpectedChecksums(pins, undefined, undefined, 'x', arm64)).toEqual([
      { source: 'sha256 pinned in the configuration', sha256: b },
    ]);
  });

  it('fails on a table without the platform only when a checksum is required', async () => {
    const pins = entryOf(undefined, { 'linux/amd64': a });
    const arm64 = { target: { os: 'linux', arch: 'arm64' }, requireChecksum: false };
    expect(await collectExpectedChecksums(pins, undefined, undefined, 'x', arm64)).toEqual([]);
    await expect(
      collectExpectedChecksums(pins, undefined, undefined, 'x', { ...arm64, requireChecksum: true }),
    ).rejects.toThrow(/entry 1 \(acme\/tool\): sha256 pins linux\/amd64 but not linux\/arm64.*npm run pin/);
  });
});

describe('verifyChecksums', () => {
  it('names the source, the expected and the actual hash on a mismatch', () => {
    const check = () =>
      verifyChecksums('tool.tgz from acme/tool v1', b, [{ source: "release's GitHub digest", sha256: a }]);
    expect(check).toThrow(ChecksumMismatchError);
    expect(check).toThrow(new RegExp(`release's GitHub digest: expected ${a}, got ${b}`));
  });

  it('passes when every source agrees', () => {
    expect(() => verifyChecksums('x', a, [{ source: 'pin', sha256: a }])).not.toThrow();
  });
});
