import { createHash } from 'node:crypto';
import { findChecksum } from '../install/expected-checksums.js';
import { fetchAttestations, type AttestationFetchers } from './attestation-source.js';
import {
  ProvenanceMissingError,
  ProvenanceRefusedError,
  TrustRootUnavailableError,
  type ProvenanceRefusal,
} from './provenance-error.js';
import type { ProvenanceMode } from './provenance-mode.js';
import { findReleaseSignatures } from './release-signatures.js';
import { signerPolicy } from './signer-identity.js';
import type { TrustRoot } from './trust-root.js';
import { verifyBundle, type BundleSubject } from './verify-bundle.js';
import { describeVouch, type Vouch } from './vouch.js';

/** One asset whose bytes are downloaded and hashed, and what the entry says about its provenance. */
export interface AssetProvenanceRequest {
  /** How messages name the asset: "entry 2 (acme/tool): tool_linux_amd64.tar.gz". */
  readonly label: string;
  readonly owner: string;
  readonly repo: string;
  readonly assetName: string;
  /** Lower-case hex sha256 of the downloaded bytes. */
  readonly sha256: string;
  /** The entry's `provenance`, else BP_GITHUB_ASSETS_PROVENANCE. */
  readonly mode: ProvenanceMode;
  /** The entry's `signer_workflow` (`owner/repo/.github/workflows/<file>`), if any. */
  readonly signerWorkflow: string | undefined;
  /** Names of every file of the release, to find signature files by name. */
  readonly releaseFiles: readonly string[];
  /** The entry's checksums file, when it has one: a signed checksums file vouches for what it lists. */
  readonly checksums?: { readonly name: string; readonly content: Buffer } | undefined;
  /** The asset's bytes, for a plain signature over them (`<asset>.sigstore.json` made by cosign sign-blob). */
  readonly assetContent?: (() => Promise<Buffer>) | undefined;
}

/** What the pipeline hands in, once per build. */
export interface ProvenanceServices {
  readonly fetchers: AttestationFetchers;
  /** The bytes of a (small) release file by name: signature bundles. Fetched like any release asset. */
  readonly readReleaseFile: (name: string) => Promise<Buffer>;
  /** The trusted root, loaded on first call and shared by every asset (see trustRootOnce). */
  readonly trustRoot: () => Promise<TrustRoot>;
  /** https://github.com, or the GitHub Enterprise Server whose workflows sign. */
  readonly serverUrl?: string | undefined;
}

/** What became of an asset's provenance; refusals are thrown, not returned. */
export type ProvenanceOutcome =
  | { readonly status: 'verified'; readonly vouches: readonly Vouch[]; readonly logLine: string }
  | { readonly status: 'none' | 'off' | 'no-root'; readonly vouches: readonly []; readonly logLine: string };

interface Candidate {
  readonly source: string;
  readonly bundle: () => Promise<unknown>;
  readonly subject: BundleSubject;
}

/**
 * Checks an asset's provenance under its mode: GitHub's attestations for its digest, and Sigstore bundles
 * published beside it (for the asset or for a checksums file that lists it). Returns what vouched, or why
 * nothing did; throws ProvenanceRefusedError when provenance exists but does not verify,
 * ProvenanceMissingError when `required` finds none, and TrustRootUnavailableError when `required` cannot
 * get a root. `off` returns at once without a request.
 */
export async function verifyAssetProvenance(
  request: AssetProvenanceRequest,
  services: ProvenanceServices,
): Promise<ProvenanceOutcome> {
  if (request.mode === 'off') return { status: 'off', vouches: [], logLine: 'provenance not checked (off)' };

  const refusals: ProvenanceRefusal[] = [];
  const candidates: Candidate[] = [];
  const assetSubject: BundleSubject = { sha256: request.sha256, content: request.assetContent };

  for (const fetched of await fetchAttestations(
    request.owner,
    request.repo,
    request.sha256,
    services.fetchers,
  )) {
    if ('refusal' in fetched) refusals.push(fetched.refusal);
    else
      candidates.push({ source: fetched.source, bundle: async () => fetched.bundle, subject: assetSubject });
  }

  const checksums = request.checksums;
  const checksumsVouches =
    checksums !== undefined &&
    findChecksum(checksums.content.toString('utf8'), request.assetName) === request.sha256;
  const signatures = findReleaseSignatures(request.assetName, checksums?.name, request.releaseFiles);
  const unverifiable: string[] = [];
  for (const signature of signatures) {
    if (signature.kind === 'cosign-pair') {
      unverifiable.push(`${signature.file} + ${signature.certificate ?? ''}`);
      continue;
    }
    // A signed checksums file vouches only for the files it lists with the downloaded sha256.
    if (signature.covers === 'checksums' && (!checksumsVouches || checksums === undefined)) continue;
    const subject =
      signature.covers === 'asset' || checksums === undefined
        ? assetSubject
        : { sha256: sha256Of(checksums.content), content: async () => checksums.content };
    const source =
      signature.covers === 'asset'
        ? `release file ${signature.file}`
        : `release file ${signature.file}, which signs the checksums file listing the asset`;
    candidates.push({
      source,
      subject,
      // A failed download is the pipeline's error to report; a file that is not JSON is a bad bundle.
      bundle: async () => {
        const text = (await services.readReleaseFile(signature.file)).toString('utf8');
        try {
          return JSON.parse(text) as unknown;
        } catch {
          return text;
        }
      },
    });
  }

  if (candidates.length === 0 && refusals.length === 0) {
    const looked = `GitHub attestations and ${request.assetName}.sigstore.json / .bundle${checksums === undefined ? '' : ` and ${checksums.name}.sigstore.json / .bundle`}`;
    const cosign =
      unverifiable.length > 0
        ? `; the cosign signature ${unverifiable.join(', ')} holds no transparency log proof, so it cannot be verified without querying Rekor`
        : '';
    if (request.mode === 'required') throw new ProvenanceMissingError(request.label, looked + cosign);
    return { status: 'none', vouches: [], logLine: `no provenance published${cosign}` };
  }

  const root = await services.trustRoot();
  if (root.status === 'unavailable') {
    if (request.mode === 'required') throw new TrustRootUnavailableError(request.label, root.reason);
    return {
      status: 'no-root',
      vouches: [],
      logLine: `provenance not checked: no trusted Sigstore root (${root.reason}); set BP_GITHUB_ASSETS_TRUSTED_ROOT to a trusted_root.json to check it`,
    };
  }

  const policy = signerPolicy(request.owner, request.repo, request.signerWorkflow, services.serverUrl);
  const vouches: Vouch[] = [];
  for (const candidate of candidates) {
    const bundle = await candidate.bundle();
    const verdict = await verifyBundle({
      bundle,
      source: candidate.source,
      subject: candidate.subject,
      policy,
      root,
    });
    if ('refusal' in verdict) refusals.push(verdict.refusal);
    else vouches.push(verdict.vouch);
  }
  if (refusals.length > 0) throw new ProvenanceRefusedError(request.label, refusals);
  return { status: 'verified', vouches, logLine: vouches.map(describeVouch).join('; ') };
}

/** A loader that loads the trusted root once, on the first asset that has provenance to check. */
export function trustRootOnce(load: () => Promise<TrustRoot>): () => Promise<TrustRoot> {
  let loading: Promise<TrustRoot> | undefined;
  return () => (loading ??= load());
}

function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
