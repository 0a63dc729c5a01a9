import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAssetLabels } from '../../src/pick/asset-labels.js';
import { toolNameOf } from '../../src/pick/tool-name.js';

describe('the tool name of an asset', () => {
  it.each([
    ['jq-linux64', 'stedolan/jq', undefined, 'jq'],
    ['grpc_health_probe-linux-arm64', 'grpc-ecosystem/grpc-health-probe', 'v0.4.40', 'grpc_health_probe'],
    ['fd-v10.3.0-aarch64-unknown-linux-gnu.tar.gz', 'sharkdp/fd', 'v10.3.0', 'fd'],
    ['shfmt_v3.13.1_linux_amd64', 'mvdan/sh', 'v3.13.1', 'shfmt'],
    ['regex-tui_v0.7.0_linux.amd64', 'vitor-mariano/regex-tui', 'v0.7.0', 'regex-tui'],
    ['dug.0.0.94.linux-x64.tar.gz', 'unfrl/dug', '0.0.94', 'dug'],
    ['trivy_0.70.0_Linux-64bit.tar.gz', 'aquasecurity/trivy', 'v0.70.0', 'trivy'],
    ['protoc-22.2-linux-aarch_64.zip', 'protocolbuffers/protobuf', 'v22.2', 'protoc'],
    ['cargo-msrv-x86_64-unknown-linux-musl-v0.19.3.tgz', 'foresterre/cargo-msrv', 'v0.19.3', 'cargo-msrv'],
    ['opengrep_manylinux_x86', 'opengrep/opengrep', 'v1.27.1', 'opengrep'],
  ])('%s is %s', (asset, repo, version, tool) => {
    expect(toolNameOf(asset, repo, version)).toBe(tool);
  });

  it('is the repo name when the asset is named by its platform alone', () => {
    expect(toolNameOf('x86_64-unknown-linux-gnu.zip', 'ms-jpq/sad')).toBe('sad');
  });

  it('keeps a variant word written before the platform, so the picker can tell the variant apart', () => {
    expect(toolNameOf('cloudflared-fips-linux-amd64', 'cloudflare/cloudflared')).toBe('cloudflared-fips');
  });
});

const DATASET = path.resolve(import.meta.dirname, '../../../shared/realworld/assets.json');
interface RealRelease {
  readonly repo: string;
  readonly tag: string | null;
  readonly expect: Readonly<Record<string, string | null>>;
  readonly expect_musl?: Readonly<Record<string, string | null>>;
}
const releases = existsSync(DATASET)
  ? (JSON.parse(readFileSync(DATASET, 'utf8')) as RealRelease[])
  : undefined;
if (releases === undefined)
  console.log(`SKIPPED: no real-release dataset at ${DATASET}; tool names not checked on it.`);

describe.skipIf(releases === undefined)('tool names of the right picks of real releases', () => {
  it('are one name per release, free of version, OS, arch and libc words', () => {
    const problems: string[] = [];
    for (const release of releases ?? []) {
      const picks = [...Object.values(release.expect), ...Object.values(release.expect_musl ?? {})].filter(
        (pick): pick is string => pick !== null,
      );
      const names = new Set(picks.map((pick) => toolNameOf(pick, release.repo, release.tag ?? undefined)));
      if (names.size !== 1) problems.push(`${release.repo}: ${[...names].join(', ')}`);
      for (const name of names) {
        const leftovers = readAssetLabels(`${name}-linux-amd64`).tokens.filter(
          (token) => token.role !== 'word' && token.lower !== 'linux' && token.lower !== 'amd64',
        );
        if (name === '' || leftovers.length > 0) problems.push(`${release.repo}: "${name}"`);
      }
    }
    expect(problems).toEqual([]);
  });
});
