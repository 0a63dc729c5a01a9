/**
 * Provenance and pins end to end, through the built executables and the GitHub look-alike: `npm run pin`
 * on a copy of the demo app, then a cold build that verifies the pins and a rebuild that asks nothing; and
 * builds whose assets carry artifact attestations made with @sigstore/mock, verified against its root.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeAttestation, type FakeGitHub } from '../../tools/fake-github/index.js';
import { runLifecycle, type LifecycleOptions } from '../../tools/lifecycle/lifecycle.js';
import { buildSeedReleases, type SeedReleases } from '../../tools/seed-releases/seed-releases.js';
import { requireBuiltBuildpack } from '../helpers/built-buildpack.js';
import { tempDir } from '../helpers/temp-dir.js';
import { makeSigstoreFixture } from '../provenance/helpers/sigstore-fixture.js';

const run = promisify(execFile);
const COMMIT = 'abc1234def5678abc1234def5678abc1234def56';
const SAN = (repo: string) => `https://github.com/${repo}/.github/workflows/release.yml@refs/tags/v1`;

let buildpackDir: string;
let seeds: SeedReleases;
let github: FakeGitHub;
let trustedRootFile: string;

/** The file a seed asset is served from, by its name. */
function seedFile(name: string): string {
  for (const repo of seeds.repos)
    for (const release of repo.releases)
      for (const asset of release.assets) if (asset.name === name) return asset.file;
  throw new Error(`no seed asset ${name}`);
}

beforeAll(async () => {
  buildpackDir = requireBuiltBuildpack();
  seeds = await buildSeedReleases(await tempDir('seeds-'));
  const fixture = await makeSigstoreFixture();
  const digest = async (name: string) =>
    createHash('sha256')
      .update(await readFile(seedFile(name)))
      .digest('hex');
  // skaffold: attested by its own release workflow, the bundle only behind bundle_url (another origin).
  // grpc-health-probe: attested, but by a workflow of another repository.
  const attestations: Record<string, FakeAttestation[]> = {
    'GoogleContainerTools/skaffold': [
      {
        sha256: await digest('skaffold-linux-amd64'),
        delivery: 'url',
        bundle: await fixture.attest({
          subjects: [{ name: 'skaffold-linux-amd64', sha256: await digest('skaffold-linux-amd64') }],
          san: SAN('GoogleContainerTools/skaffold'),
          commit: COMMIT,
        }),
      },
    ],
    'grpc-ecosystem/grpc-health-probe': [
      {
        sha256: await digest('grpc_health_probe-linux-amd64'),
        bundle: await fixture.attest({
          subjects: [
            { name: 'grpc_health_probe-linux-amd64', sha256: await digest('grpc_health_probe-linux-amd64') },
          ],
          san: SAN('evil/fork'),
          commit: COMMIT,
        }),
      },
    ],
  };
  github = await startFakeGitHub({
    repos: seeds.repos.map((repo) => ({
      ...repo,
      attestations: attestations[`${repo.owner}/${repo.name}`] ?? [],
    })),
    tokens: [seeds.privateToken],
  });
  const dir = await tempDir('trusted-root-');
  trustedRootFile = path.join(dir, 'trusted_root.json');
  await writeFile(trustedRootFile, JSON.stringify(fixture.trustedRoot));
});

afterAll(async () => {
  await github?.close();
});

async function build(appDir: string, stateDir: string, env: Record<string, string> = {}) {
  const options: LifecycleOptions = {
    buildpackDir,
    appDir,
    stateDir,
    env: { BP_GITHUB_API_URL: github.apiUrl, APITEST_TOKEN: seeds.privateToken, ...env },
  };
  return runLifecycle(options);
}

async function appWith(projectToml: string): Promise<string> {
  const app = await tempDir('app-');
  await writeFile(path.join(app, 'project.toml'), projectToml);
  return app;
}

const HEAD = '# Pinned by the integration test; this comment must survive byte for byte.\n\n';
const TAIL = `
[io.example.unrelated]   # so must this table, spacing and all
keep   = "me"
list = [ 1,2, 3 ]
`;

describe('npm run pin on the demo app', () => {
  it('writes pins that the next cold build verifies and the rebuild after it honours with zero requests', async () => {
    const demo = await readFile(path.join(buildpackDir, 'examples/demo/project.toml'), 'utf8');
    const app = await appWith(HEAD + demo + TAIL);
    const pinned = await run(process.execPath, [path.join(buildpackDir, 'dist/pin.cjs'), app], {
      env: { PATH: process.env['PATH'], BP_GITHUB_API_URL: github.apiUrl, APITEST_TOKEN: seeds.privateToken },
    });
    expect(pinned.stdout).toMatch(/project\.toml: /);
    const text = await readFile(path.join(app, 'project.toml'), 'utf8');
    expect(text.startsWith(HEAD)).toBe(true);
    expect(text.endsWith(TAIL)).toBe(true);
    // Seven entries name one asset for every platform; fd's has no asset, so each platform has its own pin.
    expect(text.match(/^sha256 = "[0-9a-f]{64}"$/gm)).toHaveLength(7);
    expect(text).toMatch(
      /repo = "sharkdp\/fd"\ntag = "[^"]+"\nsha256 = \{ "linux\/amd64" = "[0-9a-f]{64}", "linux\/arm64" = "[0-9a-f]{64}" \}\n/,
    );
    // The entries that followed the latest release now name it.
    expect(text).toMatch(/repo = "stedolan\/jq"\nasset = "jq-linux64"\ntag = "jq-1\.6"\n/);
    expect(text).toMatch(/repo = "BtbN\/FFmpeg-Builds"\n[^[]*tag = "latest"\n/);

    const state = await tempDir('state-');
    const cold = await build(app, state, { BP_GITHUB_ASSETS_REQUIRE_CHECKSUM: 'true' });
    expect(cold.build?.code, cold.build?.output).toBe(0);
    expect(cold.build?.output.match(/verified against the sha256 pinned in the configuration/g)).toHaveLength(
      8,
    );

    github.resetRequests();
    const rebuild = await build(app, state, { BP_GITHUB_ASSETS_REQUIRE_CHECKSUM: 'true' });
    expect(rebuild.build?.code, rebuild.build?.output).toBe(0);
    expect(rebuild.build?.output.match(/Reusing layer: configuration unchanged/g)).toHaveLength(8);
    expect(github.requests).toEqual([]);
  });
});

describe('artifact attestations', () => {
  it('verifies an attestation behind bundle_url, and the log, metadata and SBOM say who built the asset', async () => {
    github.resetRequests();
    const app = await appWith(seeds.entries.skaffold);
    const result = await build(app, await tempDir('state-'), {
      BP_GITHUB_ASSETS_TRUSTED_ROOT: trustedRootFile,
      BP_GITHUB_ASSETS_PROVENANCE: 'required',
      GITHUB_TOKEN: seeds.privateToken,
    });
    const output = result.build?.output ?? '';
    expect(result.build?.code, output).toBe(0);
    expect(output).toMatch(
      /Provenance: built by GoogleContainerTools\/skaffold\/\.github\/workflows\/release\.yml@refs\/tags\/v1 at commit abc1234, transparency log entry \d+ \(GitHub attestation\)/,
    );
    expect(output).not.toContain(seeds.privateToken);

    const layer = result.image.find((l) => l.name === 'GoogleContainerTools_skaffold');
    const [asset] = (layer?.metadata['assets'] ?? []) as { provenance: string; vouches: unknown[] }[];
    expect(asset?.provenance).toBe('verified');
    expect(asset?.vouches).toEqual([
      expect.objectContaining({
        workflow: 'GoogleContainerTools/skaffold/.github/workflows/release.yml',
        ref: 'refs/tags/v1',
        commit: COMMIT,
        log_index: expect.stringMatching(/^\d+$/),
      }),
    ]);
    const sbom = JSON.parse(
      await readFile(path.join(result.layersDir, 'GoogleContainerTools_skaffold.sbom.cdx.json'), 'utf8'),
    ) as { components: { properties: { name: string; value: string }[] }[] };
    expect(sbom.components[0]?.properties).toEqual(
      expect.arrayContaining([
        {
          name: 'github-release-assets:provenance-workflow',
          value: 'GoogleContainerTools/skaffold/.github/workflows/release.yml',
        },
        { name: 'github-release-assets:provenance-commit', value: COMMIT },
      ]),
    );

    // The API was asked with the token; the bundle came from the storage origin without it.
    const lookups = github.requests.filter((r) => r.path.includes('/attestations/'));
    expect(lookups).toHaveLength(1);
    expect(lookups[0]?.headers.authorization).toBe(`Bearer ${seeds.privateToken}`);
    const bundles = github.requests.filter((r) => r.path.startsWith('/bundles/'));
    expect(bundles.map((r) => r.origin)).toEqual(['storage']);
    for (const request of github.requests.filter((r) => r.origin === 'storage'))
      expect(request.headers.authorization).toBeUndefined();
  });

  it('asks for the attestations while the asset downloads, by the sha256 the release announced', async () => {
    github.resetRequests();
    // A download that never ends well: the attestations are asked for before it ends, or never.
    github.faults.add({
      match: '/assets/',
      origin: 'storage',
      times: Infinity,
      kind: { type: 'status', status: 404 },
    });
    try {
      const result = await build(await appWith(seeds.entries.skaffold), await tempDir('state-'), {
        BP_GITHUB_ASSETS_TRUSTED_ROOT: trustedRootFile,
      });
      expect(result.build?.code).not.toBe(0);
      const announced = createHash('sha256')
        .update(await readFile(seedFile('skaffold-linux-amd64')))
        .digest('hex');
      expect(
        github.requests
          .filter((r) => r.path.includes('/attestations/'))
          .map((r) => decodeURIComponent(r.path)),
      ).toEqual([`/repos/GoogleContainerTools/skaffold/attestations/sha256:${announced}`]);
    } finally {
      github.faults.clear();
    }
  });

  it("fails an asset attested by another repo's workflow, in words, and leaves no layer", async () => {
    const result = await build(await appWith(seeds.entries.grpc), await tempDir('state-'), {
      BP_GITHUB_ASSETS_TRUSTED_ROOT: trustedRootFile,
    });
    expect(result.build?.code).not.toBe(0);
    expect(result.build?.output).toMatch(
      /was signed by an identity the policy does not accept \(identity check\): it was signed by evil\/fork\/\.github\/workflows\/release\.yml, a workflow of evil\/fork, not of grpc-ecosystem\/grpc-health-probe/,
    );
    expect(await readdir(result.layersDir)).toEqual([]);
  });

  it('off installs the same asset without asking for provenance', async () => {
    github.resetRequests();
    const result = await build(await appWith(seeds.entries.grpc), await tempDir('state-'), {
      BP_GITHUB_ASSETS_TRUSTED_ROOT: trustedRootFile,
      BP_GITHUB_ASSETS_PROVENANCE: 'off',
    });
    expect(result.build?.code, result.build?.output).toBe(0);
    expect(result.build?.output).toContain('Provenance: provenance not checked (off)');
    expect(github.requests.filter((r) => r.path.includes('/attestations/'))).toEqual([]);
  });

  it('required fails an asset that has no provenance, naming the fix', async () => {
    const result = await build(await appWith(seeds.entries.nats), await tempDir('state-'), {
      BP_GITHUB_ASSETS_PROVENANCE: 'required',
    });
    expect(result.build?.code).not.toBe(0);
    expect(result.build?.output).toMatch(/has no provenance .*actions\/attest-build-provenance/s);
    expect(await readdir(result.layersDir)).toEqual([]);
  });
});
