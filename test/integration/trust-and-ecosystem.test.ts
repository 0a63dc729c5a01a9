/**
 * The built buildpack under faults, with secrets, mirrors, bindings, SBOMs and other targets, run the way
 * the lifecycle runs it against the GitHub look-alike.
 */
import { execFileSync } from 'node:child_process';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../../tools/fake-github/index.js';
import { buildSeedReleases, type SeedReleases } from '../../tools/seed-releases/seed-releases.js';
import { readElfHeader } from '../../src/verify/elf-header.js';
import { ELF_MACHINE } from '../helpers/elf.js';
import { runLifecycle, type LifecycleOptions } from '../../tools/lifecycle/lifecycle.js';
import { requireBuiltBuildpack } from '../helpers/built-buildpack.js';
import { filesContaining } from '../helpers/files.js';
import { tempDir } from '../helpers/temp-dir.js';

let buildpackDir: string;
let seeds: SeedReleases;
let seedDir: string;
let github: FakeGitHub;

beforeAll(async () => {
  buildpackDir = requireBuiltBuildpack();
  seedDir = await tempDir('seeds-');
  seeds = await buildSeedReleases(seedDir);
  github = await startFakeGitHub({ repos: seeds.repos, tokens: [seeds.privateToken] });
});

afterAll(async () => {
  await github?.close();
});

afterEach(() => {
  github.faults.clear();
  github.resetRequests();
});

async function appWith(projectToml: string, file = 'project.toml'): Promise<string> {
  const app = await tempDir('app-');
  await writeFile(path.join(app, file), projectToml);
  return app;
}

async function build(projectToml: string, options: Partial<LifecycleOptions> = {}) {
  return runLifecycle({
    buildpackDir,
    appDir: options.appDir ?? (await appWith(projectToml)),
    stateDir: options.stateDir ?? (await tempDir('state-')),
    ...options,
    env: { BP_GITHUB_API_URL: github.apiUrl, ...options.env },
  });
}

describe('flaky networks', () => {
  it('survives a connection reset mid-body and a 503, starting again from the download URL', async () => {
    github.faults.add({
      match: '/assets/',
      origin: 'storage',
      kind: { type: 'reset-mid-body', afterBytes: 10 },
    });
    github.faults.add({ match: '/releases/download/', origin: 'api', kind: { type: 'status', status: 503 } });
    const result = await build(seeds.entries.youtubedr);
    expect(result.build?.code, result.build?.output).toBe(0);
    expect(result.build?.output).toMatch(/retrying in [\d.]+ s \(attempt 2 of 4\)/);
    const bin = path.join(result.image[0]?.dir ?? '', 'bin/youtubedr');
    expect(await readFile(bin)).toEqual(await readFile(seeds.expected.youtubedr[0]?.source ?? ''));
    expect(github.faults.pending()).toEqual([]);
  });

  it('fails on altered bytes, naming the digest, expected and actual hashes, and leaves no layer', async () => {
    github.faults.add({ match: '/assets/', origin: 'storage', times: Infinity, kind: { type: 'corrupt' } });
    const result = await build(seeds.entries.skaffold);
    expect(result.build?.code).not.toBe(0);
    expect(result.build?.output).toMatch(
      /does not match the release's GitHub digest: expected [0-9a-f]{64}, got [0-9a-f]{64}/,
    );
    expect(await readdir(result.layersDir)).toEqual([]);
  });

  it('fails on an altered archive that no longer unpacks, and leaves no layer', async () => {
    github.faults.add({ match: '/assets/', origin: 'storage', times: Infinity, kind: { type: 'corrupt' } });
    const result = await build(seeds.entries.ffmpeg);
    expect(result.build?.code).not.toBe(0);
    expect(result.build?.output).toContain('ffmpeg-master-latest-linux64-gpl.tar.xz');
    expect(await readdir(result.layersDir)).toEqual([]);
  });

  it('checks a sha256 pin, and a rebuild after a failure starts clean', async () => {
    const state = await tempDir('state-');
    const app = await appWith(`${seeds.entries.jq}sha256 = "${'0'.repeat(64)}"\n`);
    const failed = await build('', { appDir: app, stateDir: state });
    expect(failed.build?.code).not.toBe(0);
    expect(failed.build?.output).toContain('sha256 pinned in the configuration');
    expect(await readdir(failed.layersDir)).toEqual([]);

    const real = execFileSync('sha256sum', [seeds.expected.jq[0]?.source ?? ''])
      .toString()
      .slice(0, 64);
    await writeFile(path.join(app, 'project.toml'), `${seeds.entries.jq}sha256 = "${real}"\n`);
    const fixed = await build('', { appDir: app, stateDir: state });
    expect(fixed.build?.code, fixed.build?.output).toBe(0);
    expect(fixed.build?.output).toContain('verified against the sha256 pinned in the configuration');
  });

  it('waits out a rate limit that resets within BP_GITHUB_ASSETS_MAX_WAIT, and says so', async () => {
    github.faults.add({
      match: '/releases/tags/',
      origin: 'api',
      kind: { type: 'rate-limit', resetInSeconds: 1 },
    });
    const result = await build(seeds.entries.skaffold);
    expect(result.build?.code, result.build?.output).toBe(0);
    expect(result.build?.output).toMatch(/rate limit reached; waiting \d+ s/);
  });

  it('fails on a rate limit beyond the wait cap, saying when it resets and that a token raises it', async () => {
    github.faults.add({
      match: '/releases/tags/',
      origin: 'api',
      kind: { type: 'rate-limit', resetInSeconds: 600 },
    });
    const result = await build(seeds.entries.skaffold, { env: { BP_GITHUB_ASSETS_MAX_WAIT: '5' } });
    expect(result.build?.code).not.toBe(0);
    expect(result.build?.output).toMatch(/rate limit/i);
    expect(result.build?.output).toMatch(/\d\d:\d\d/);
    expect(result.build?.output).toContain('GITHUB_TOKEN');
    expect(await readdir(result.layersDir)).toEqual([]);
  });

  it('refuses an asset with no checksum when BP_GITHUB_ASSETS_REQUIRE_CHECKSUM=true', async () => {
    const result = await build(seeds.entries.jq, { env: { BP_GITHUB_ASSETS_REQUIRE_CHECKSUM: 'true' } });
    expect(result.build?.code).not.toBe(0);
    expect(result.build?.output).toContain('BP_GITHUB_ASSETS_REQUIRE_CHECKSUM=true requires one');
    expect(github.requests.filter((request) => request.origin === 'storage')).toEqual([]);
  });
});

describe('secrets', () => {
  it('keeps the token out of debug logs, layers, metadata and SBOMs, and away from storage', async () => {
    const state = await tempDir('state-');
    const result = await build(seeds.entries.apitest, {
      stateDir: state,
      env: { APITEST_TOKEN: seeds.privateToken, BP_LOG_LEVEL: 'DEBUG' },
    });
    expect(result.build?.code, result.build?.output).toBe(0);
    expect(result.build?.output).toContain('[debug]');
    expect(result.detect.output + result.build?.output).not.toContain(seeds.privateToken);
    expect(await filesContaining(state, seeds.privateToken)).toEqual(['platform/env/APITEST_TOKEN']);
    for (const request of github.requests.filter((each) => each.origin === 'storage')) {
      expect(request.headers.authorization).toBeUndefined();
    }
  });

  it('says a rejected token was rejected and where it came from, without printing it', async () => {
    const bad = 'ghp_rejected0000000000000000000000000000';
    const result = await build(seeds.entries.apitest, { env: { APITEST_TOKEN: bad, BP_LOG_LEVEL: 'DEBUG' } });
    expect(result.build?.code).not.toBe(0);
    expect(result.build?.output).toContain('APITEST_TOKEN');
    expect(result.build?.output).not.toContain(bad);
  });

  it('takes a token from a service binding of type github, as kpack and Tekton mount it', async () => {
    const result = await build(seeds.entries.apitest.replace('token_env = "APITEST_TOKEN"\n', ''), {
      bindings: { 'github-creds': { type: 'github', token: seeds.privateToken } },
    });
    expect(result.build?.code, result.build?.output).toBe(0);
    expect(result.build?.output).not.toContain(seeds.privateToken);
  });

  it('reads user variables from <platform>/env when clear-env keeps them out of the environment', async () => {
    const result = await build(seeds.entries.apitest, {
      env: { APITEST_TOKEN: seeds.privateToken, BP_LOG_LEVEL: 'DEBUG' },
      clearEnv: true,
    });
    expect(result.build?.code, result.build?.output).toBe(0);
    expect(result.build?.output).toContain('[debug]');
    expect(result.build?.output).not.toContain(seeds.privateToken);
  });
});

describe('multi-arch, SBOM and layer types', () => {
  const template = grpcTemplate();

  it('picks the asset for the target architecture from one template', async () => {
    const amd = await build(template, { target: { os: 'linux', arch: 'amd64' } });
    const arm = await build(template, { target: { os: 'linux', arch: 'arm64' } });
    const machine = async (dir: string | undefined) =>
      (await readElfHeader(path.join(dir ?? '', 'bin/grpc_health_probe')))?.machine;
    expect(await machine(amd.image[0]?.dir)).toBe(ELF_MACHINE.amd64);
    expect(await machine(arm.image[0]?.dir)).toBe(ELF_MACHINE.arm64);
  });

  it('writes a CycloneDX SBOM per layer that lists the asset without secrets, unless BP_DISABLE_SBOM=true', async () => {
    const result = await build(template);
    const sbom = JSON.parse(
      await readFile(path.join(result.layersDir, 'grpc-ecosystem_grpc-health-probe.sbom.cdx.json'), 'utf8'),
    ) as { specVersion: string; components: { purl: string; name: string; hashes: { content: string }[] }[] };
    expect(sbom.specVersion).toBe('1.5');
    expect(sbom.components.map((c) => [c.name, c.purl])).toEqual([
      ['grpc_health_probe-linux-amd64', 'pkg:github/grpc-ecosystem/grpc-health-probe@v0.4.24'],
    ]);
    const disabled = await build(template, { env: { BP_DISABLE_SBOM: 'true' } });
    expect((await readdir(disabled.layersDir)).filter((file) => file.includes('.sbom.'))).toEqual([]);
  });

  it('makes a build layer cached, restores it with its files and reuses it', async () => {
    const state = await tempDir('state-');
    const toml = `${seeds.entries.skaffold}build = true\nlaunch = false\n`;
    const app = await appWith(toml);
    const first = await build('', { appDir: app, stateDir: state });
    expect(first.build?.code, first.build?.output).toBe(0);
    expect(first.image).toEqual([]);
    const layerToml = await readFile(
      path.join(first.layersDir, 'GoogleContainerTools_skaffold.toml'),
      'utf8',
    );
    expect(layerToml).toMatch(/\[types\]\s+launch = false\s+build = true\s+cache = true/);
    github.resetRequests();
    const second = await build('', { appDir: app, stateDir: state });
    expect(second.build?.output).toContain('Reusing layer');
    expect(github.requests).toEqual([]);
    expect(await readFile(path.join(second.layersDir, 'GoogleContainerTools_skaffold/bin/skaffold'))).toEqual(
      await readFile(seeds.expected.skaffold[0]?.source ?? ''),
    );
  });

  it('reads project descriptor 0.2 and GITHUB_ASSETS_PATH', async () => {
    const v2 = `[_]\nschema-version = "0.2"\n\n${seeds.entries.skaffold.replace('[[metadata.githubassets]]', '[[_.metadata.githubassets]]')}`;
    expect((await build(v2)).build?.code).toBe(0);
    const app = await appWith(seeds.entries.skaffold, 'assets.toml');
    const result = await build('', { appDir: app, env: { GITHUB_ASSETS_PATH: 'assets.toml' } });
    expect(result.build?.code, result.build?.output).toBe(0);
  });
});

describe('archives that leave nothing', () => {
  it('fails when include matches no member, naming the settings, and leaves no layer', async () => {
    const result = await build(`${seeds.entries.youtubedr}include = ["youtube-dl"]\n`);
    expect(result.build?.code).not.toBe(0);
    expect(result.build?.output).toContain(
      'installed no file: with strip_components = 0 and include = ["youtube-dl"]',
    );
    expect(await readdir(result.layersDir)).toEqual([]);
  });

  it('keeps only the included members', async () => {
    const result = await build(`${seeds.entries.youtubedr}include = ["youtubedr"]\n`);
    expect(result.build?.code, result.build?.output).toBe(0);
    expect(await readdir(path.join(result.image[0]?.dir ?? '', 'bin'))).toEqual(['youtubedr']);
  });
});

describe('mirrors', () => {
  it('installs pinned assets from a file:// mirror without asking GitHub anything', async () => {
    const mirror = await tempDir('mirror-');
    const dir = path.join(mirror, 'grpc-ecosystem/grpc-health-probe/releases/download/v0.4.24');
    await mkdir(dir, { recursive: true });
    await cp(
      path.join(seedDir, 'assets/grpc_health_probe-linux-amd64'),
      path.join(dir, 'grpc_health_probe-linux-amd64'),
    );
    const result = await build(grpcTemplate(), { env: { BP_GITHUB_ASSETS_MIRROR: `file://${mirror}` } });
    expect(result.build?.code, result.build?.output).toBe(0);
    expect(github.requests).toEqual([]);
    expect(result.build?.output).toContain('provenance not looked up: the asset comes from the mirror');
    const viaBinding = await build(grpcTemplate(), {
      bindings: { mirror: { type: 'dependency-mirror', default: `file://${mirror}` } },
    });
    expect(viaBinding.build?.code, viaBinding.build?.output).toBe(0);
    expect(github.requests).toEqual([]);
  });
});

function grpcTemplate(): string {
  return `[[metadata.githubassets]]
repo = "grpc-ecosystem/grpc-health-probe"
asset = "grpc_health_probe-{os}-{arch}"
destination = "bin/grpc_health_probe"
tag = "v0.4.24"
`;
}
