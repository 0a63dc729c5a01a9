import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ProvenanceMissingError,
  ProvenanceRefusedError,
  TrustRootUnavailableError,
} from '../../src/provenance/provenance-error.js';
import type { ProvenanceMode } from '../../src/provenance/provenance-mode.js';
import { loadTrustRoot, type TrustRoot } from '../../src/provenance/trust-root.js';
import {
  trustRootOnce,
  verifyAssetProvenance,
  type AssetProvenanceRequest,
} from '../../src/provenance/verify-asset-provenance.js';
import { startFakeGitHub, type FakeAttestation, type FakeGitHub } from '../../tools/fake-github/index.js';
import { tempDir } from '../helpers/temp-dir.js';
import { makeSigstoreFixture, type SigstoreFixture } from './helpers/sigstore-fixture.js';
import { services, trustedRootFile } from './helpers/provenance-services.js';

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');
const TOKEN = 'ghp_provenanceTestToken000000000000000000';
const SAN = (repo: string, file = 'release.yml') =>
  `https://github.com/${repo}/.github/workflows/${file}@refs/tags/v1.2.3`;

// Each case gets its own asset bytes, so its digest selects only the attestations made for it.
const asset = (name: string) => Buffer.from(`binary of ${name}\n`);

let fixture: SigstoreFixture;
let otherInstance: SigstoreFixture;
let github: FakeGitHub;
let root: Awaited<ReturnType<typeof trustedRootFile>>;
const attestations: FakeAttestation[] = [];

async function attestation(
  name: string,
  options: {
    san?: string;
    digestOf?: Buffer;
    delivery?: 'inline' | 'url';
    by?: SigstoreFixture;
    sourceRepository?: string;
  },
) {
  const bytes = asset(name);
  const bundle = await (options.by ?? fixture).attest({
    subjects: [{ name, sha256: sha256(options.digestOf ?? bytes) }],
    san: options.san ?? SAN('acme/tool'),
    commit: 'abc1234def5678abc1234def5678abc1234def56',
    ...(options.sourceRepository === undefined ? {} : { sourceRepository: options.sourceRepository }),
  });
  attestations.push({ sha256: sha256(bytes), bundle, delivery: options.delivery ?? 'inline' });
}

beforeAll(async () => {
  fixture = await makeSigstoreFixture();
  otherInstance = await makeSigstoreFixture();
  await attestation('valid', {});
  await attestation('by-url', { delivery: 'url' });
  await attestation('other-repo', { san: SAN('evil/fork') });
  await attestation('other-workflow', { san: SAN('acme/tool', 'nightly.yml') });
  await attestation('reusable', { san: SAN('acme/ci', 'build.yml') });
  await attestation('other-bytes', { digestOf: Buffer.from('something else') });
  const generator = SAN('slsa-framework/slsa-github-generator', 'generator_generic_slsa3.yml');
  await attestation('reusable-for-us', { san: generator, sourceRepository: 'https://github.com/acme/tool' });
  await attestation('reusable-for-them', {
    san: generator,
    sourceRepository: 'https://github.com/evil/fork',
  });
  await attestation('other-root', { by: otherInstance });
  github = await startFakeGitHub({
    repos: [{ owner: 'acme', name: 'tool', releases: [], attestations }],
    tokens: [TOKEN],
  });
  root = await trustedRootFile(fixture.trustedRoot);
});

afterAll(async () => {
  await github.close();
});

function request(
  name: string,
  mode: ProvenanceMode,
  extra: Partial<AssetProvenanceRequest> = {},
): AssetProvenanceRequest {
  return {
    label: `entry 1 (acme/tool): ${name}`,
    owner: 'acme',
    repo: 'tool',
    assetName: name,
    sha256: sha256(asset(name)),
    mode,
    signerWorkflow: undefined,
    releaseFiles: [name],
    ...extra,
  };
}

const noFiles = new Map<string, Buffer>();

describe('verifyAssetProvenance with GitHub attestations', () => {
  it('verifies a valid attestation and says which workflow, commit and log entry vouched', async () => {
    const outcome = await verifyAssetProvenance(
      request('valid', 'auto'),
      services(github, TOKEN, noFiles, root.load),
    );
    expect(outcome.status).toBe('verified');
    expect(outcome.vouches).toEqual([
      expect.objectContaining({
        workflow: 'acme/tool/.github/workflows/release.yml',
        ref: 'refs/tags/v1.2.3',
        commit: 'abc1234def5678abc1234def5678abc1234def56',
      }),
    ]);
    expect(outcome.logLine).toMatch(
      /^built by acme\/tool\/\.github\/workflows\/release\.yml@refs\/tags\/v1\.2\.3 at commit abc1234, transparency log entry \d+ \(GitHub attestation\)$/,
    );
  });

  it('fetches a bundle_url from the other origin without the token, and verifies its snappy bundle', async () => {
    github.resetRequests();
    const outcome = await verifyAssetProvenance(
      request('by-url', 'required'),
      services(github, TOKEN, noFiles, root.load),
    );
    expect(outcome.status).toBe('verified');
    const api = github.requests.filter((r) => r.origin === 'api');
    const storage = github.requests.filter((r) => r.origin === 'storage');
    expect(api.map((r) => r.path)).toEqual([
      `/repos/acme/tool/attestations/sha256:${sha256(asset('by-url'))}`,
    ]);
    expect(api[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(storage).toHaveLength(1);
    expect(storage[0]?.headers.authorization).toBeUndefined();
  });

  it.each([
    ['other-repo', 'evil/fork/.github/workflows/release.yml, a workflow of evil/fork, not of acme/tool'],
    ['reusable', 'acme/ci/.github/workflows/build.yml, a workflow of acme/ci, not of acme/tool'],
  ])('refuses the identity of another repository (%s), under auto too', async (name, words) => {
    const attempt = verifyAssetProvenance(request(name, 'auto'), services(github, TOKEN, noFiles, root.load));
    await expect(attempt).rejects.toThrow(ProvenanceRefusedError);
    await expect(attempt).rejects.toThrow(/identity check/);
    await expect(attempt).rejects.toThrow(words);
  });

  it('accepts a reusable workflow of another repository run for this one (source repository)', async () => {
    const outcome = await verifyAssetProvenance(
      request('reusable-for-us', 'required'),
      services(github, TOKEN, noFiles, root.load),
    );
    expect(outcome.vouches[0]?.workflow).toBe(
      'slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml',
    );
  });

  it('refuses a reusable workflow run for another repository', async () => {
    const attempt = verifyAssetProvenance(
      request('reusable-for-them', 'auto'),
      services(github, TOKEN, noFiles, root.load),
    );
    await expect(attempt).rejects.toThrow(/identity check/);
    await expect(attempt).rejects.toThrow(/run for the source repository evil\/fork, not of acme\/tool/);
  });

  it('accepts the workflow signer_workflow names, at any ref, even of another repository', async () => {
    const outcome = await verifyAssetProvenance(
      request('reusable', 'required', { signerWorkflow: 'acme/ci/.github/workflows/build.yml' }),
      services(github, TOKEN, noFiles, root.load),
    );
    expect(outcome.vouches[0]?.workflow).toBe('acme/ci/.github/workflows/build.yml');
  });

  it('refuses another workflow of the same repository when signer_workflow names one', async () => {
    const attempt = verifyAssetProvenance(
      request('other-workflow', 'auto', { signerWorkflow: 'acme/tool/.github/workflows/release.yml' }),
      services(github, TOKEN, noFiles, root.load),
    );
    await expect(attempt).rejects.toThrow(
      /signed by acme\/tool\/\.github\/workflows\/nightly\.yml, not by acme\/tool\/\.github\/workflows\/release\.yml/,
    );
  });

  it('refuses an attestation whose statement is about other bytes (digest check)', async () => {
    const attempt = verifyAssetProvenance(
      request('other-bytes', 'auto'),
      services(github, TOKEN, noFiles, root.load),
    );
    await expect(attempt).rejects.toThrow(
      /vouches for other bytes than the downloaded asset \(digest check\)/,
    );
  });

  it('refuses an attestation from a Sigstore instance the root does not trust (root check)', async () => {
    const attempt = verifyAssetProvenance(
      request('other-root', 'auto'),
      services(github, TOKEN, noFiles, root.load),
    );
    await expect(attempt).rejects.toThrow(/does not chain to the trusted Sigstore root \(root check\)/);
  });
});

describe('verifyAssetProvenance when nothing is published', () => {
  it('auto: goes on, and loads no root', async () => {
    const loads = root.loads();
    const outcome = await verifyAssetProvenance(
      request('unattested', 'auto'),
      services(github, TOKEN, noFiles, root.load),
    );
    expect(outcome).toEqual({ status: 'none', vouches: [], logLine: 'no provenance published' });
    expect(root.loads()).toBe(loads);
  });

  it('required: fails, saying what was looked for and how to fix it', async () => {
    const attempt = verifyAssetProvenance(
      request('unattested', 'required'),
      services(github, TOKEN, noFiles, root.load),
    );
    await expect(attempt).rejects.toThrow(ProvenanceMissingError);
    await expect(attempt).rejects.toThrow(
      /GitHub attestations and unattested\.sigstore\.json.*actions\/attest-build-provenance/,
    );
  });

  it('off: makes no request at all', async () => {
    github.resetRequests();
    const outcome = await verifyAssetProvenance(
      request('other-repo', 'off'),
      services(github, TOKEN, noFiles, root.load),
    );
    expect(outcome.status).toBe('off');
    expect(github.requests).toHaveLength(0);
  });

  it('a cosign .sig + .pem pair alone is reported, not trusted', async () => {
    const files = ['unattested', 'unattested.sig', 'unattested.pem'];
    const auto = await verifyAssetProvenance(
      request('unattested', 'auto', { releaseFiles: files }),
      services(github, TOKEN, noFiles, root.load),
    );
    expect(auto.logLine).toMatch(
      /cosign signature unattested\.sig \+ unattested\.pem .*cannot be verified without querying Rekor/,
    );
    await expect(
      verifyAssetProvenance(
        request('unattested', 'required', { releaseFiles: files }),
        services(github, TOKEN, noFiles, root.load),
      ),
    ).rejects.toThrow(ProvenanceMissingError);
  });
});

describe('verifyAssetProvenance when no root can be had', () => {
  let unreachable: () => Promise<TrustRoot>;
  beforeAll(async () => {
    // A port that was free a moment ago and is closed now: the TUF client gets "connection refused".
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const cache = await tempDir('prov-tuf-');
    unreachable = trustRootOnce(() =>
      loadTrustRoot({ tufCacheDir: cache, tufMirrorUrl: `http://127.0.0.1:${port}`, tufTimeoutMs: 2000 }),
    );
  });

  it('auto: says so in one line and goes on', async () => {
    const outcome = await verifyAssetProvenance(
      request('valid', 'auto'),
      services(github, TOKEN, noFiles, unreachable),
    );
    expect(outcome.status).toBe('no-root');
    expect(outcome.logLine).toMatch(
      /^provenance not checked: no trusted Sigstore root \(the Sigstore TUF repository http:\/\/127\.0\.0\.1:\d+ could not be read .*BP_GITHUB_ASSETS_TRUSTED_ROOT/,
    );
    expect(outcome.logLine).not.toContain('\n');
  });

  it('required: fails with the fix', async () => {
    const attempt = verifyAssetProvenance(
      request('valid', 'required'),
      services(github, TOKEN, noFiles, unreachable),
    );
    await expect(attempt).rejects.toThrow(TrustRootUnavailableError);
    await expect(attempt).rejects.toThrow(
      /BP_GITHUB_ASSETS_TRUSTED_ROOT=<path> or a service binding of type sigstore/,
    );
  });

  it('a trusted_root.json that is not one is named as unusable', async () => {
    const bad = await trustedRootFile({
      mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    });
    const attempt = verifyAssetProvenance(
      request('valid', 'required'),
      services(github, TOKEN, noFiles, bad.load),
    );
    await expect(attempt).rejects.toThrow(
      /trusted_root\.json \(BP_GITHUB_ASSETS_TRUSTED_ROOT\) is not a usable trusted_root\.json \(it lists no certificate authority\)/,
    );
  });
});

describe('verifyAssetProvenance with signed release files', () => {
  const checksumsFor = (name: string, digest: string) =>
    Buffer.from(`${digest}  ${name}\n${sha256('x')}  other-file\n`);

  it('a signed checksums file vouches for the asset it lists', async () => {
    const name = 'listed';
    const checksums = checksumsFor(name, sha256(asset(name)));
    const bundle = Buffer.from(JSON.stringify(await fixture.signBlob(checksums, { san: SAN('acme/tool') })));
    const files = new Map([['checksums.txt.sigstore.json', bundle]]);
    const outcome = await verifyAssetProvenance(
      request(name, 'required', {
        releaseFiles: [name, 'checksums.txt', 'checksums.txt.sigstore.json'],
        checksums: { name: 'checksums.txt', content: checksums },
      }),
      services(github, TOKEN, files, root.load),
    );
    expect(outcome.status).toBe('verified');
    expect(outcome.vouches[0]?.source).toBe(
      'release file checksums.txt.sigstore.json, which signs the checksums file listing the asset',
    );
  });

  it('a signed checksums file that does not list the asset vouches for nothing', async () => {
    const name = 'unlisted';
    const checksums = checksumsFor('some-other-asset', sha256(asset(name)));
    const bundle = Buffer.from(JSON.stringify(await fixture.signBlob(checksums, { san: SAN('acme/tool') })));
    const attempt = verifyAssetProvenance(
      request(name, 'required', {
        releaseFiles: [name, 'checksums.txt', 'checksums.txt.sigstore.json'],
        checksums: { name: 'checksums.txt', content: checksums },
      }),
      services(github, TOKEN, new Map([['checksums.txt.sigstore.json', bundle]]), root.load),
    );
    await expect(attempt).rejects.toThrow(ProvenanceMissingError);
  });

  it('a checksums file signed over other bytes is refused (digest check)', async () => {
    const name = 'tampered';
    const checksums = checksumsFor(name, sha256(asset(name)));
    const bundle = Buffer.from(
      JSON.stringify(
        await fixture.signBlob(Buffer.from('the original checksums'), { san: SAN('acme/tool') }),
      ),
    );
    const attempt = verifyAssetProvenance(
      request(name, 'auto', {
        releaseFiles: [name, 'checksums.txt', 'checksums.txt.bundle'],
        checksums: { name: 'checksums.txt', content: checksums },
      }),
      services(github, TOKEN, new Map([['checksums.txt.bundle', bundle]]), root.load),
    );
    await expect(attempt).rejects.toThrow(
      /release file checksums\.txt\.bundle, which signs the checksums file listing the asset vouches for other bytes/,
    );
  });

  it('<asset>.sigstore.json signed over the asset verifies against the asset bytes', async () => {
    const name = 'blob';
    const bundle = Buffer.from(
      JSON.stringify(await fixture.signBlob(asset(name), { san: SAN('acme/tool') })),
    );
    const outcome = await verifyAssetProvenance(
      request(name, 'required', {
        releaseFiles: [name, `${name}.sigstore.json`],
        assetContent: async () => asset(name),
      }),
      services(github, TOKEN, new Map([[`${name}.sigstore.json`, bundle]]), root.load),
    );
    expect(outcome.vouches[0]?.source).toBe('release file blob.sigstore.json');
  });

  it('a release file that is not a bundle is refused (format check)', async () => {
    const name = 'garbage';
    const attempt = verifyAssetProvenance(
      request(name, 'auto', { releaseFiles: [name, `${name}.bundle`] }),
      services(github, TOKEN, new Map([[`${name}.bundle`, Buffer.from('not json')]]), root.load),
    );
    await expect(attempt).rejects.toThrow(/release file garbage\.bundle is not a Sigstore bundle/);
  });
});
