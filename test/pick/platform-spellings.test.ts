import { describe, expect, it } from 'vitest';
import { expandPlatformPlaceholders } from '../../src/pick/expand-platform-placeholders.js';
import { describeCandidates, describePick } from '../../src/pick/describe-pick.js';
import { pickAsset } from '../../src/pick/pick-asset.js';
import {
  ARCH_SPELLINGS,
  archOfToken,
  archSpellings,
  libcOfDistro,
  libcOfToken,
  libcSpellings,
  osOfToken,
} from '../../src/pick/platform-spellings.js';

describe('platform spellings', () => {
  it('spell each architecture one way only', () => {
    const all = Object.values(ARCH_SPELLINGS).flat();
    expect(all.length).toBe(new Set(all).size);
  });

  it.each([
    ['x86_64', 'amd64'],
    ['x64', 'amd64'],
    ['64bit', 'amd64'],
    ['64-bit', 'amd64'],
    ['linux64', 'amd64'],
    ['aarch64', 'arm64'],
    ['aarch_64', 'arm64'],
    ['armv7', 'arm'],
    ['armhf', 'arm'],
    ['gnueabihf', 'arm'],
    ['i686', '386'],
    ['32-bit', '386'],
    ['x86', undefined],
  ])('%s is %s', (token, arch) => {
    expect(archOfToken(token)).toBe(arch);
  });

  it('read OS and libc words', () => {
    expect(osOfToken('macos')).toBe('darwin');
    expect(osOfToken('manylinux')).toBe('linux');
    expect(libcOfToken('musllinux')).toBe('musl');
    expect(libcOfToken('glibc')).toBe('gnu');
    expect(libcSpellings('gnu')).toEqual(['gnu', 'glibc']);
    expect(libcSpellings('musl')).toEqual(['musl']);
  });

  it('put the ARM variant asked for first', () => {
    expect(archSpellings('arm', 'v6').slice(0, 3)).toEqual(['armv6', 'armv6l', 'armv6hf']);
  });

  it('tell the libc of a target distro', () => {
    expect(libcOfDistro('alpine')).toBe('musl');
    expect(libcOfDistro('ubuntu')).toBe('gnu');
    expect(libcOfDistro(undefined)).toBe('gnu');
  });
});

describe('filling {arch} and {libc} in a template', () => {
  it('tries every real spelling of the architecture, canonical first', () => {
    const names = expandPlatformPlaceholders('protoc-{version}-linux-{arch}.zip', {
      arch: 'arm64',
      libc: 'gnu',
    });
    expect(names[0]).toBe('protoc-{version}-linux-arm64.zip');
    expect(names).toContain('protoc-{version}-linux-aarch_64.zip');
    expect(names).toContain('protoc-{version}-linux-aarch64.zip');
    expect(names).not.toContain('protoc-{version}-linux-linux64.zip');
    const amd64 = expandPlatformPlaceholders('trivy_{version}_Linux-{arch}.tar.gz', {
      arch: 'amd64',
      libc: 'gnu',
    });
    expect(amd64).toEqual(
      expect.arrayContaining(['trivy_{version}_Linux-64bit.tar.gz', 'trivy_{version}_Linux-x86_64.tar.gz']),
    );
  });

  it('follows the image libc with {libc}', () => {
    const template = 'tool-{arch}-unknown-linux-{libc}.tar.gz';
    expect(expandPlatformPlaceholders(template, { arch: 'amd64', libc: 'musl' })).toContain(
      'tool-x86_64-unknown-linux-musl.tar.gz',
    );
    expect(expandPlatformPlaceholders(template, { arch: 'amd64', libc: 'gnu' })).toContain(
      'tool-x86_64-unknown-linux-gnu.tar.gz',
    );
  });

  it('leaves a template without them alone', () => {
    expect(expandPlatformPlaceholders('tool-{version}.tgz', { arch: 'amd64', libc: 'gnu' })).toEqual([
      'tool-{version}.tgz',
    ]);
  });
});

describe('the log lines of a pick', () => {
  it('say what was picked, why, and what each other asset was', () => {
    const result = pickAsset({
      assets: ['oha-linux-amd64', 'oha-linux-amd64-pgo', 'oha-linux-arm64', 'oha-windows-amd64.exe'],
      repo: 'hatoo/oha',
      platform: { os: 'linux', arch: 'amd64', libc: 'gnu' },
    });
    if (result.outcome !== 'picked') throw new Error(result.message);
    expect(describePick(result)).toBe(
      'Picked oha-linux-amd64 (linux, amd64, libc not named) over oha-linux-amd64-pgo: it is a variant build (pgo), and the plain one comes first',
    );
    expect(describeCandidates(result)).toEqual([
      'chosen: oha-linux-amd64',
      'fits, ranked 2: oha-linux-amd64-pgo (it is a variant build (pgo), and the plain one comes first)',
      'dropped: oha-linux-arm64 (built for arm64)',
      'dropped: oha-windows-amd64.exe (built for windows)',
    ]);
  });
});
