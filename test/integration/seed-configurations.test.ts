/**
 * The configurations github-assets-cnb users really wrote, run through the built executables the way the
 * lifecycle runs them, against a GitHub look-alike on loopback.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../../tools/fake-github/index.js';
import {
  buildSeedReleases,
  type SeedName,
  type SeedReleases,
} from '../../tools/seed-releases/seed-releases.js';
import { runLifecycle, type LifecycleResult } from '../../tools/lifecycle/lifecycle.js';
import { requireBuiltBuildpack } from '../helpers/built-buildpack.js';
import { runIfHostCan } from '../helpers/elf.js';
import { filesContaining } from '../helpers/files.js';
import { tempDir } from '../helpers/temp-dir.js';

let buildpackDir: string;
let seeds: SeedReleases;
let github: FakeGitHub;

beforeAll(async () => {
  buildpackDir = requireBuiltBuildpack();
  seeds = await buildSeedReleases(await tempDir('seeds-'));
  github = await startFakeGitHub({ repos: seeds.repos, tokens: [seeds.privateToken] });
});

afterAll(async () => {
  await github?.close();
});

async function appWith(projectToml: string): Promise<string> {
  const app = await tempDir('app-');
  await writeFile(path.join(app, 'project.toml'), projectToml);
  return app;
}

async function build(app: string, state: string, extra: Partial<Parameters<typeof runLifecycle>[0]> = {}) {
  return runLifecycle({
    buildpackDir,
    appDir: app,
    stateDir: state,
    env: { BP_GITHUB_API_URL: github.apiUrl, APITEST_TOKEN: seeds.privateToken },
    ...extra,
  });
}

async function expectInstalled(result: LifecycleResult, names: readonly SeedName[]): Promise<void> {
  expect(result.detect.code, result.detect.output).toBe(0);
  expect(result.build?.code, result.build?.output).toBe(0);
  for (const name of names) {
    for (const expected of seeds.expected[name]) {
      const layer = result.image.find((candidate) => candidate.name === expected.layer);
      expect(layer, `layer ${expected.layer} in the image`).toBeDefined();
      const file = path.join(layer?.dir ?? '', expected.path);
      expect(await readFile(file)).toEqual(await readFile(expected.source));
      if (expected.executable) {
        expect((await stat(file)).mode & 0o777).toBe(0o755);
        // Programs built for this host run (and exit 0); the arm64 youtubedr is checked by its bytes alone.
        await runIfHostCan(file);
      }
    }
  }
}

describe('each seed configuration alone', () => {
  it.each(['grpc', 'youtubedr', 'jq', 'apitest', 'ffmpeg', 'nats', 'skaffold'] as const)(
    '%s lands byte-identical at its documented path',
    async (name) => {
      const result = await build(await appWith(seeds.entries[name]), await tempDir('state-'));
      await expectInstalled(result, [name]);
    },
  );

  it('puts grpc_health_probe where Kubernetes probes call it', async () => {
    const result = await build(await appWith(seeds.entries.grpc), await tempDir('state-'));
    expect(result.image.map((layer) => `${layer.imagePath}/bin/grpc_health_probe`)).toEqual([
      '/layers/githubassets_github-release-assets/grpc-ecosystem_grpc-health-probe/bin/grpc_health_probe',
    ]);
  });
});

describe('all seed configurations in one project.toml', () => {
  let state: string;
  let app: string;
  let first: LifecycleResult;

  beforeAll(async () => {
    state = await tempDir('state-');
    app = await appWith(seeds.projectToml);
    github.resetRequests();
    // No node anywhere: the executables must be self-contained.
    first = await build(app, state, { hideNode: true });
  });

  it('installs every asset with no Node.js on the machine', async () => {
    await expectInstalled(first, ['grpc', 'youtubedr', 'jq', 'apitest', 'ffmpeg', 'nats', 'skaffold']);
  });

  it('downloads public assets by their download URL, which costs no API request, and private ones by the API', () => {
    const downloads = github.requests.filter(
      (request) =>
        request.origin === 'api' &&
        !request.path.includes('/releases/tags/') &&
        !request.path.endsWith('/releases/latest'),
    );
    const byApi = downloads
      .filter((request) => request.path.includes('/releases/assets/'))
      .map((request) => request.path);
    expect(byApi).toEqual([
      expect.stringMatching(/^\/repos\/qeek-dev\/apitest-toolchain\/releases\/assets\/\d+$/),
    ]);
    expect(downloads.filter((request) => request.path.includes('/releases/download/'))).toHaveLength(6);
  });

  it('never sends the token to the storage origin, nor for another repo', () => {
    const withToken = github.requests.filter((request) => request.headers.authorization !== undefined);
    expect(withToken.length).toBeGreaterThan(0);
    for (const request of withToken) {
      expect(request.origin).toBe('api');
      expect(request.path).toMatch(/^\/repos\/qeek-dev\/apitest-toolchain\//);
    }
  });

  it('keeps the token out of the log, the layers and their metadata', async () => {
    expect(first.build?.output).not.toContain(seeds.privateToken);
    expect(await filesContaining(first.layersDir, seeds.privateToken)).toEqual([]);
    expect(await filesContaining(path.join(state, 'image'), seeds.privateToken)).toEqual([]);
    expect(await filesContaining(path.join(state, 'cache'), seeds.privateToken)).toEqual([]);
  });

  it('rebuilds with no download, and at most one conditional request per latest repo', async () => {
    github.resetRequests();
    const second = await build(app, state);
    await expectInstalled(second, ['grpc', 'youtubedr', 'jq', 'apitest', 'ffmpeg', 'nats', 'skaffold']);
    expect(github.requests.filter((request) => request.origin === 'storage')).toEqual([]);
    const apiPaths = github.requests.map((request) => request.path);
    // jq and FFmpeg-Builds follow the latest release; every other entry pins a tag.
    expect(apiPaths.sort()).toEqual([
      '/repos/BtbN/FFmpeg-Builds/releases/latest',
      '/repos/stedolan/jq/releases/latest',
    ]);
    for (const request of github.requests) expect(request.headers['if-none-match']).toBeDefined();
    expect(second.image.every((layer) => layer.reused)).toBe(true);
    expect(second.build?.output).toContain('Reusing layer');
  });

  it('replaces a layer whose configuration changed', async () => {
    const changed = seeds.projectToml.replace('destination = "bin/jq"', 'destination = "tools/jq"');
    await writeFile(path.join(app, 'project.toml'), changed);
    github.resetRequests();
    const third = await build(app, state);
    expect(third.build?.code, third.build?.output).toBe(0);
    const jq = third.image.find((layer) => layer.name === 'stedolan_jq');
    expect(jq?.reused).toBe(false);
    expect(await readFile(path.join(jq?.dir ?? '', 'tools/jq'))).toEqual(
      await readFile(seeds.expected.jq[0]?.source ?? ''),
    );
    await expect(stat(path.join(jq?.dir ?? '', 'bin/jq'))).rejects.toThrow();
    expect(github.requests.filter((request) => request.origin === 'storage')).toHaveLength(1);
  });
});

describe('detect', () => {
  it('passes over an app without project.toml with exit 100', async () => {
    const app = await tempDir('app-');
    const result = await build(app, await tempDir('state-'));
    expect(result.detect.code).toBe(100);
  });

  it('passes over a project.toml without entries with exit 100', async () => {
    const result = await build(await appWith('[project]\nid = "x"\n'), await tempDir('state-'));
    expect(result.detect.code).toBe(100);
  });

  it('fails with exit 1 and the field on bad configuration', async () => {
    const result = await build(
      await appWith('[[metadata.githubassets]]\nrepo = "not-a-repo"\nasset = "x"\n'),
      await tempDir('state-'),
    );
    expect(result.detect.code).toBe(1);
    expect(result.detect.output).toContain('project.toml');
    expect(result.detect.output).toContain('repo');
  });
});

describe('failures', () => {
  it('names the assets a release has when the asset is missing, and leaves no layer', async () => {
    const result = await build(
      await appWith(
        seeds.entries.grpc.replace('grpc_health_probe-linux-amd64', 'grpc_health_probe-linux-s390x'),
      ),
      await tempDir('state-'),
    );
    expect(result.build?.code).not.toBe(0);
    expect(result.build?.output).toContain('grpc_health_probe-linux-amd64');
    expect(result.build?.output).toContain('grpc_health_probe-linux-arm64');
    expect(await readdir(result.layersDir)).toEqual([]);
  });

  it('says a private repo needs a token when none is given', async () => {
    const state = await tempDir('state-');
    const result = await runLifecycle({
      buildpackDir,
      appDir: await appWith(seeds.entries.apitest.replace('token_env = "APITEST_TOKEN"\n', '')),
      stateDir: state,
      env: { BP_GITHUB_API_URL: github.apiUrl },
    });
    expect(result.build?.code).not.toBe(0);
    expect(result.build?.output).toMatch(/private/i);
  });

  it('fails before any request when token_env names an unset variable', async () => {
    github.resetRequests();
    const result = await runLifecycle({
      buildpackDir,
      appDir: await appWith(seeds.entries.apitest),
      stateDir: await tempDir('state-'),
      env: { BP_GITHUB_API_URL: github.apiUrl },
    });
    expect(result.build?.code).not.toBe(0);
    expect(result.build?.output).toContain('APITEST_TOKEN');
    expect(github.requests).toEqual([]);
  });
});
