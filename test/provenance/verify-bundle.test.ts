import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { signerPolicy } from '../../src/provenance/signer-identity.js';
import { loadTrustRoot, type TrustRoot } from '../../src/provenance/trust-root.js';
import { verifyBundle, type BundleSubject, type BundleVerdict } from '../../src/provenance/verify-bundle.js';
import { tempDir } from '../helpers/temp-dir.js';
import { makeSigstoreFixture, type AttestOptions, type SigstoreFixture } from './helpers/sigstore-fixture.js';

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');
const ASSET = Buffer.from('the release binary\n');
const SAN = 'https://github.com/acme/tool/.github/workflows/release.yml@refs/tags/v1.2.3';
const COMMIT = 'abc1234def5678abc1234def5678abc1234def56';
const policy = signerPolicy('acme', 'tool', undefined);

type OkRoot = Extract<TrustRoot, { status: 'ok' }>;
let fixture: SigstoreFixture;
let root: OkRoot;

async function rootFrom(trustedRoot: unknown): Promise<OkRoot> {
  const file = path.join(await tempDir('prov-'), 'trusted_root.json');
  await writeFile(file, JSON.stringify(trustedRoot));
  const loaded = await loadTrustRoot({ path: file, tufCacheDir: path.dirname(file) });
  if (loaded.status !== 'ok') throw new Error(loaded.reason);
  return loaded;
}

beforeAll(async () => {
  fixture = await makeSigstoreFixture();
  root = await rootFrom(fixture.trustedRoot);
});

/** An attestation of the asset (unless `subjects` says otherwise) by the release workflow. */
function attestAsset(options: Partial<AttestOptions> = {}): Promise<unknown> {
  return fixture.attest({ subjects: [{ name: 'tool', sha256: sha256(ASSET) }], san: SAN, ...options });
}

/** Verifies a bundle for the asset under the default policy of acme/tool. */
function check(
  bundle: unknown,
  subject: BundleSubject = { sha256: sha256(ASSET) },
  against: OkRoot = root,
): Promise<BundleVerdict> {
  return verifyBundle({ bundle, source: 'GitHub attestation', subject, policy, root: against });
}

/** A bundle with its transparency log entries removed. */
function withoutLogEntries(bundle: unknown): unknown {
  const copy = structuredClone(bundle) as { verificationMaterial: { tlogEntries: unknown[] } };
  copy.verificationMaterial.tlogEntries = [];
  return copy;
}

describe('verifyBundle', () => {
  it('accepts an attestation by a workflow of the same repository and says what vouched', async () => {
    expect(await check(await attestAsset({ commit: COMMIT }))).toEqual({
      vouch: {
        source: 'GitHub attestation',
        workflow: 'acme/tool/.github/workflows/release.yml',
        ref: 'refs/tags/v1.2.3',
        commit: COMMIT,
        logIndex: expect.stringMatching(/^\d+$/),
      },
    });
  });

  it('verifies the same against the root given as content (a service binding of type sigstore)', async () => {
    const loaded = await loadTrustRoot({
      content: {
        json: JSON.stringify(fixture.trustedRoot),
        origin: 'the service binding roots (type sigstore)',
      },
      tufCacheDir: await tempDir('prov-'),
    });
    if (loaded.status !== 'ok') throw new Error(loaded.reason);
    expect(loaded.origin).toBe('trusted_root.json of the service binding roots (type sigstore)');
    expect(await check(await attestAsset(), undefined, loaded)).toMatchObject({
      vouch: { ref: 'refs/tags/v1.2.3' },
    });
  });

  it('refuses an attestation of another repository, naming the signer (identity check)', async () => {
    const bundle = await attestAsset({
      san: 'https://github.com/evil/fork/.github/workflows/release.yml@refs/heads/main',
    });
    expect(await check(bundle)).toMatchObject({
      refusal: {
        check: 'identity',
        reason: expect.stringContaining('evil/fork/.github/workflows/release.yml'),
      },
    });
  });

  it('refuses an issuer other than GitHub Actions (identity check)', async () => {
    expect(await check(await attestAsset({ issuer: 'https://accounts.example.com' }))).toMatchObject({
      refusal: {
        check: 'identity',
        reason: expect.stringContaining('the issuer https://accounts.example.com'),
      },
    });
  });

  it('refuses an attestation for other bytes (digest check)', async () => {
    const bundle = await attestAsset({ subjects: [{ name: 'tool', sha256: sha256('other bytes') }] });
    expect(await check(bundle)).toMatchObject({ refusal: { check: 'digest' } });
  });

  it('refuses a bundle whose log entry was removed (log check)', async () => {
    expect(await check(withoutLogEntries(await attestAsset()))).toMatchObject({ refusal: { check: 'log' } });
  });

  it('verifies a signature over a file (cosign sign-blob --bundle)', async () => {
    const bundle = await fixture.signBlob(ASSET, { san: SAN });
    expect(await check(bundle, { sha256: sha256(ASSET), content: async () => ASSET })).toMatchObject({
      vouch: { workflow: 'acme/tool/.github/workflows/release.yml' },
    });
  });

  it('refuses a signature that does not match the bytes it is checked against (signature check)', async () => {
    const bundle = await fixture.signBlob(ASSET, { san: SAN });
    const swapped = async () => Buffer.from('swapped after hashing');
    expect(await check(bundle, { sha256: sha256(ASSET), content: swapped })).toMatchObject({
      refusal: { check: 'signature' },
    });
  });

  it('verifies with a signed timestamp alone when the root lists no transparency log (GitHub private instance)', async () => {
    const tsaFixture = await makeSigstoreFixture({ withTsa: true });
    const bundle = withoutLogEntries(
      await tsaFixture.attest({ subjects: [{ name: 'tool', sha256: sha256(ASSET) }], san: SAN }),
    );
    const tsaRoot = await rootFrom({ ...(tsaFixture.trustedRoot as object), tlogs: [] });
    expect(tsaRoot.tlogThreshold).toBe(0);
    expect(await check(bundle, undefined, tsaRoot)).toMatchObject({
      vouch: { workflow: 'acme/tool/.github/workflows/release.yml', logIndex: undefined },
    });
  });
});
