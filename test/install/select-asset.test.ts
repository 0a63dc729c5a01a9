import { describe, expect, it } from 'vitest';
import {
  expandAssetName,
  isAssetPattern,
  selectAsset,
  type TemplateValues,
} from '../../src/install/select-asset.js';
import type { ReleaseAsset } from '../../src/github/release.js';

const amd64 = { os: 'linux', arch: 'amd64', variant: undefined, libc: 'gnu' as const };
const arm64 = { os: 'linux', arch: 'arm64', variant: undefined, libc: 'gnu' as const };
const entry = { index: 1, repo: 'acme/tool', asset: '' };

function assets(...names: string[]): ReleaseAsset[] {
  return names.map((name, id) => ({
    id,
    name,
    size: 1,
    digest: null,
    apiUrl: `https://api/${id}`,
    browserDownloadUrl: `https://dl/${name}`,
  }));
}

const goreleaser = assets(
  'tool_1.2.3_Linux_x86_64.tar.gz',
  'tool_1.2.3_Linux_arm64.tar.gz',
  'tool_1.2.3_Darwin_arm64.tar.gz',
  'checksums.txt',
);

/** The name selectAsset chooses for a pattern, release and target. */
function chosen(
  pattern: string,
  list: ReleaseAsset[],
  tag: string,
  target: TemplateValues['target'],
): string {
  return selectAsset(entry, 'asset', pattern, list, { tag, target }).name;
}

describe('selectAsset', () => {
  it('matches an exact name exactly', () => {
    const chosen = selectAsset(entry, 'asset', 'checksums.txt', goreleaser, { tag: 'v1.2.3', target: amd64 });
    expect(chosen.name).toBe('checksums.txt');
  });

  it('picks the right file for each architecture from one template', () => {
    const pattern = 'tool_{version}_{os}_{arch}.tar.gz';
    expect(selectAsset(entry, 'asset', pattern, goreleaser, { tag: 'v1.2.3', target: amd64 }).name).toBe(
      'tool_1.2.3_Linux_x86_64.tar.gz',
    );
    expect(selectAsset(entry, 'asset', pattern, goreleaser, { tag: 'v1.2.3', target: arm64 }).name).toBe(
      'tool_1.2.3_Linux_arm64.tar.gz',
    );
  });

  it('expands {tag} with the v and {version} without it', () => {
    const list = assets('tool-v2.0.0-linux-amd64', 'tool-2.0.0-linux-amd64.sig');
    expect(
      selectAsset(entry, 'asset', 'tool-{tag}-{os}-{arch}', list, { tag: 'v2.0.0', target: amd64 }).name,
    ).toBe('tool-v2.0.0-linux-amd64');
  });

  it('supports globs and ignores signatures and checksums beside the payload', () => {
    const list = assets(
      'tool-linux-aarch64.tar.gz',
      'tool-linux-aarch64.tar.gz.sha256',
      'tool-linux-aarch64.tar.gz.sig',
    );
    expect(selectAsset(entry, 'asset', 'tool-{os}-{arch}*', list, { tag: 'v1', target: arm64 }).name).toBe(
      'tool-linux-aarch64.tar.gz',
    );
  });

  it('lists the candidates when several match', () => {
    const list = assets('tool-linux-amd64.tar.gz', 'tool-linux-amd64-musl.tar.gz');
    expect(() =>
      selectAsset(entry, 'asset', 'tool-{os}-{arch}*', list, { tag: 'v1', target: amd64 }),
    ).toThrow(/2 assets match \(tool-linux-amd64.tar.gz, tool-linux-amd64-musl.tar.gz\)/);
  });

  it('lists what the release has when nothing matches', () => {
    expect(() =>
      selectAsset(entry, 'asset', 'tool_{version}_{os}_{arch}.zip', goreleaser, {
        tag: 'v1.2.3',
        target: amd64,
      }),
    ).toThrow(/no asset matches for linux\/amd64.*tool_1\.2\.3_Linux_x86_64\.tar\.gz/);
    expect(() => selectAsset(entry, 'asset', 'nope', goreleaser, { tag: 'v1.2.3', target: amd64 })).toThrow(
      /entry 1 \(acme\/tool\).*no asset of that name.*checksums\.txt/,
    );
  });

  const protoc = assets(
    'protoc-22.2-linux-aarch_64.zip',
    'protoc-22.2-linux-x86_64.zip',
    'protoc-22.2-osx-x86_64.zip',
  );
  const trivy = assets(
    'trivy_0.70.0_Linux-64bit.tar.gz',
    'trivy_0.70.0_Linux-ARM64.tar.gz',
    'trivy_0.70.0_Linux-32bit.tar.gz',
  );
  const twoSpellings = assets(
    'tool-linux-aarch64.tar.gz',
    'tool-linux-arm64.tar.gz',
    'tool-linux-x86_64.tar.gz',
  );
  const libcs = assets(
    'fd-v10.3.0-aarch64-unknown-linux-gnu.tar.gz',
    'fd-v10.3.0-aarch64-unknown-linux-musl.tar.gz',
    'tool-x86_64-linux-glibc.tar.gz',
  );
  const arm64Musl = { ...arm64, libc: 'musl' as const };
  const fdTemplate = 'fd-{tag}-{arch}-unknown-linux-{libc}.tar.gz';
  it.each([
    [
      'aarch_64',
      'protoc-{version}-linux-{arch}.zip',
      protoc,
      'v22.2',
      arm64,
      'protoc-22.2-linux-aarch_64.zip',
    ],
    ['x86_64', 'protoc-{version}-linux-{arch}.zip', protoc, 'v22.2', amd64, 'protoc-22.2-linux-x86_64.zip'],
    [
      '64bit',
      'trivy_{version}_Linux-{arch}.tar.gz',
      trivy,
      'v0.70.0',
      amd64,
      'trivy_0.70.0_Linux-64bit.tar.gz',
    ],
    [
      'ARM64',
      'trivy_{version}_Linux-{arch}.tar.gz',
      trivy,
      'v0.70.0',
      arm64,
      'trivy_0.70.0_Linux-ARM64.tar.gz',
    ],
    [
      'the first of two spellings',
      'tool-{os}-{arch}.tar.gz',
      twoSpellings,
      'v1',
      arm64,
      'tool-linux-arm64.tar.gz',
    ],
    [
      '{libc} as gnu on glibc',
      fdTemplate,
      libcs,
      'v10.3.0',
      arm64,
      'fd-v10.3.0-aarch64-unknown-linux-gnu.tar.gz',
    ],
    [
      '{libc} as musl on musl',
      fdTemplate,
      libcs,
      'v10.3.0',
      arm64Musl,
      'fd-v10.3.0-aarch64-unknown-linux-musl.tar.gz',
    ],
    [
      '{libc} spelled glibc',
      'tool-{arch}-linux-{libc}.tar.gz',
      libcs,
      'v1',
      amd64,
      'tool-x86_64-linux-glibc.tar.gz',
    ],
  ])('reads the spellings real releases use: %s', (_, pattern, list, tag, target, expected) => {
    expect(chosen(pattern, list, tag, target)).toBe(expected);
  });

  it('treats glob-like characters in literal text literally', () => {
    const list = assets('tool(1).tar.gz', 'toolX1Y.tar.gz');
    expect(selectAsset(entry, 'asset', 'tool(1)*', list, { tag: 'v1', target: amd64 }).name).toBe(
      'tool(1).tar.gz',
    );
  });
});

describe('expandAssetName', () => {
  it('uses the CNB spelling where no asset list is at hand', () => {
    expect(expandAssetName('grpc_health_probe-{os}-{arch}', { tag: 'v0.4.24', target: arm64 })).toBe(
      'grpc_health_probe-linux-arm64',
    );
    expect(expandAssetName('{asset}.sha256', { tag: 'v1', target: amd64, asset: 'a.tgz' })).toBe(
      'a.tgz.sha256',
    );
  });

  it('fills {libc} with its first spelling for a mirror', () => {
    const template = 'fd-{tag}-{arch}-unknown-linux-{libc}.tar.gz';
    expect(expandAssetName(template, { tag: 'v1', target: amd64 })).toBe(
      'fd-v1-amd64-unknown-linux-gnu.tar.gz',
    );
    expect(expandAssetName(template, { tag: 'v1', target: { ...arm64, libc: 'musl' } })).toBe(
      'fd-v1-arm64-unknown-linux-musl.tar.gz',
    );
  });

  it('cannot expand a glob', () => {
    expect(expandAssetName('tool-*', { tag: 'v1', target: amd64 })).toBeUndefined();
  });

  it('knows a pattern from a name', () => {
    expect(isAssetPattern('jq-linux64')).toBe(false);
    expect(isAssetPattern('jq-{os}64')).toBe(true);
    expect(isAssetPattern('jq-*')).toBe(true);
  });
});
