import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { signerPolicy } from '../../src/provenance/signer-identity.js';
import { loadTrustRoot, type TrustRoot } from '../../src/provenance/trust-root.js';
import { verifyBundle } from '../../src/provenance/verify-bundle.js';
import { tempDir } from '../helpers/temp-dir.js';
import { makeSigstoreFixture, type SigstoreFixture } from './helpers/sigstore-fixture.js';

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');
const ASSET = Buffer.from('the release binary\n');
const SAN = 'https://github.com/acme/tool/.github/workflows/release.yml@refs/tags/v1.2.3';
const COMMIT = 'abc1234def5678abc1234def5678abc1234def56';

let fixture: SigstoreFixture;
let root: Extract<TrustRoot, { status: 'ok' }>;

beforeAll(async () => {
  fixture = await makeSigstoreFixture();
  const file = path.join(await tempDir('prov-'), 'trusted_root.json');
  await writeFile(file, JSON.stringify(fixture.trustedRoot));
  const loaded = await loadTrustRoot({ path: file, tufCacheDir: path.dirname(file) });
  if (loaded.status !== 'ok') throw new Error(loaded.reason);
  root = loaded;
});

describe('verifyBundle', () => {
  const policy = signerPolicy('acme', 'tool', undefined);

  it('accepts an attestation by a workflow of the same repository and says what vouched', async () => {
    const bundle = await fixture.attest({
      subjects: [{ name: 'tool', sha256: sha256(ASSET) }],
      san: SAN,
      commit: COMMIT,
    });
    const verdict = await verifyBundle({
      bundle,
      source: 'GitHub attestation',
      subject: { sha256: sha256(ASSET) },
      policy,
      root,
    });
    expect(verdict).toEqual({
      vouch: {
        source: 'GitHub attestation',
        workflow: 'acme/tool/.github/workflows/release.yml',
        ref: 'refs/tags/v1.2.3',
        commit: COMMIT,
        logIndex: expect.stringMatching(/^\d+$/),
      },
    });
  });

  it('refuses an attestation of another repository, naming the signer', async () => {
    const bundle = await fixture.attest({
      subjects: [{ name: 'tool', sha256: sha256(ASSET) }],
      san: 'https://github.com/evil/fork/.github/workflows/release.yml@refs/heads/main',
    });
    const verdict = await verifyBundle({
      bundle,
      source: 'GitHub attestation',
      subject: { sha256: sha256(ASSET) },
      policy,
      root,
    });
    expect(verdict).toMatchObject({
      refusal: {
        check: 'identity',
        reason: expect.stringContaining('evil/fork/.github/workflows/release.yml'),
      },
    });
  });

  it('refuses an attestation for other bytes', async () => {
    const bundle = await fixture.attest({
      subjects: [{ name: 'tool', sha256: sha256('other bytes') }],
      san: SAN,
    });
    const verdict = await verifyBundle({
      bundle,
      source: 'GitHub attestation',
      subject: { sha256: sha256(ASSET) },
      policy,
      root,
    });
    expect(verdict).toMatchObject({ refusal: { check: 'digest' } });
  });

  it('verifies a signature over a file (cosign sign-blob --bundle)', async () => {
    const bundle = await fixture.signBlob(ASSET, { san: SAN });
    const verdict = await verifyBundle({
      bundle,
      source: 'release file tool.sigstore.json',
      subject: { sha256: sha256(ASSET), content: async () => ASSET },
      policy,
      root,
    });
    expect(verdict).toMatchObject({ vouch: { workflow: 'acme/tool/.github/workflows/release.yml' } });
  });
});

describe('verifyBundle checks', () => {
  const policy = signerPolicy('acme', 'tool', undefined);

  it('refuses a signature that does not match the bytes it is checked against (signature check)', async () => {
    const bundle = await fixture.signBlob(ASSET, { san: SAN });
    const verdict = await verifyBundle({
      bundle,
      source: 'release file tool.sigstore.json',
      subject: { sha256: sha256(ASSET), content: async () => Buffer.from('swapped after hashing') },
      policy,
      root,
    });
    expect(verdict).toMatchObject({ refusal: { check: 'signature' } });
  });

  it('refuses a bundle whose log entry was removed (log check)', async () => {
    const bundle = (await fixture.attest({
      subjects: [{ name: 'tool', sha256: sha256(ASSET) }],
      san: SAN,
    })) as {
      verificationMaterial: { tlogEntries: unknown[] };
    };
    bundle.verificationMaterial.tlogEntries = [];
    const verdict = await verifyBundle({
      bundle,
      source: 'GitHub attestation',
      subject: { sha256: sha256(ASSET) },
      policy,
      root,
    });
    expect(verdict).toMatchObject({ refusal: { check: 'log' } });
  });

  it('refuses an issuer other than GitHub Actions (identity check)', async () => {
    const bundle = await fixture.attest({
      subjects: [{ name: 'tool', sha256: sha256(ASSET) }],
      san: SAN,
      issuer: 'https://accounts.example.com',
    });
    const verdict = await verifyBundle({
      bundle,
      source: 'GitHub attestation',
      subject: { sha256: sha256(ASSET) },
      policy,
      root,
    });
    expect(verdict).toMatchObject({
      refusal: {
        check: 'identity',
        reason: expect.stringContaining('the issuer https://accounts.example.com'),
      },
    });
  });

  it('verifies with a signed timestamp alone when the root lists no transparency log (GitHub private instance)', async () => {
    const tsaFixture = await makeSigstoreFixture({ withTsa: true });
    const bundle = (await tsaFixture.attest({
      subjects: [{ name: 'tool', sha256: sha256(ASSET) }],
      san: SAN,
    })) as {
      verificationMaterial: { tlogEntries: unknown[] };
    };
    bundle.verificationMaterial.tlogEntries = [];
    const file = path.join(await tempDir('prov-'), 'trusted_root.json');
    await writeFile(file, JSON.stringify({ ...(tsaFixture.trustedRoot as object), tlogs: [] }));
    const tsaRoot = await loadTrustRoot({ path: file, tufCacheDir: path.dirname(file) });
    if (tsaRoot.status !== 'ok') throw new Error(tsaRoot.reason);
    expect(tsaRoot.tlogThreshold).toBe(0);
    const verdict = await verifyBundle({
      bundle,
      source: 'GitHub attestation',
      subject: { sha256: sha256(ASSET) },
      policy,
      root: tsaRoot,
    });
    expect(verdict).toMatchObject({
      vouch: { workflow: 'acme/tool/.github/workflows/release.yml', logIndex: undefined },
    });
  });
});
