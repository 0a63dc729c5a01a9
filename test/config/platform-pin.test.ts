import { describe, expect, it } from 'vitest';
import { missingPinMessage, pinnedSha256, platformKey } from '../../src/config/platform-pin.js';
import { entryToml, loadToml } from './helpers.js';

const AMD = 'a'.repeat(64);
const ARM = 'b'.repeat(64);

describe('per-platform sha256 in project.toml', () => {
  it('loads an inline table of pins, and gives each platform its own', async () => {
    const config = await loadToml(
      entryToml(
        `sha256 = { "linux/amd64" = "${AMD}", "linux/arm64" = "sha256:${ARM.toUpperCase()}" }`,
        'cli/cli',
        'gh_{version}_linux_{arch}.tar.gz',
      ),
    );
    const entry = config?.entries[0];
    expect(entry?.sha256).toBeUndefined();
    expect(entry?.sha256ByPlatform).toEqual({ 'linux/amd64': AMD, 'linux/arm64': ARM });
    // A table pins each platform, so the single-pin warning about {os}/{arch} templates does not apply.
    expect(config?.warnings).toEqual([]);
    if (entry === undefined) throw new Error('no entry');
    expect(pinnedSha256(entry, { os: 'linux', arch: 'amd64' })).toEqual({ status: 'pinned', sha256: AMD });
    expect(pinnedSha256(entry, { os: 'linux', arch: 'arm64', variant: 'v8' })).toEqual({
      status: 'pinned',
      sha256: ARM,
    });
    expect(pinnedSha256(entry, { os: 'linux', arch: 'ppc64le' })).toEqual({
      status: 'missing',
      pinnedPlatforms: ['linux/amd64', 'linux/arm64'],
    });
  });

  it('loads a sub-table too', async () => {
    const config = await loadToml(
      `[[metadata.githubassets]]\nrepo = "cli/cli"\nasset = "gh"\n[metadata.githubassets.sha256]\n"linux/amd64" = "${AMD}"\n`,
    ).catch((error: unknown) => error);
    expect(config).toMatchObject({
      entries: [expect.objectContaining({ sha256ByPlatform: { 'linux/amd64': AMD } })],
    });
  });

  it('a single sha256 pins every platform; no sha256 pins none', () => {
    expect(pinnedSha256({ sha256: AMD }, { os: 'linux', arch: 'arm64' })).toEqual({
      status: 'pinned',
      sha256: AMD,
    });
    expect(pinnedSha256({ sha256: undefined }, { os: 'linux', arch: 'arm64' })).toEqual({
      status: 'unpinned',
    });
  });

  it('prefers the exact variant over os/arch', () => {
    const entry = { sha256: undefined, sha256ByPlatform: { 'linux/arm': AMD, 'linux/arm/v7': ARM } };
    expect(pinnedSha256(entry, { os: 'linux', arch: 'arm', variant: 'v7' })).toEqual({
      status: 'pinned',
      sha256: ARM,
    });
    expect(pinnedSha256(entry, { os: 'linux', arch: 'arm', variant: 'v6' })).toEqual({
      status: 'pinned',
      sha256: AMD,
    });
  });

  it('says which platform is missing and how to pin it', () => {
    expect(platformKey({ os: 'linux', arch: 'arm', variant: 'v7' })).toBe('linux/arm/v7');
    expect(missingPinMessage({ index: 2, repo: 'cli/cli' }, 'linux/arm64', ['linux/amd64'])).toMatch(
      /^entry 2 \(cli\/cli\): sha256 pins linux\/amd64 but not linux\/arm64, .* Add "linux\/arm64" = "<sha256>"/,
    );
  });
});
