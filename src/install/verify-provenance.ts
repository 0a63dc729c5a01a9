import path from 'node:path';
import { entryLabel, type AssetEntry } from '../config/asset-entry.js';
import type { EnvLookup, ServiceBinding } from '../cnb/platform-env.js';
import type { ProvenanceMode } from '../provenance/provenance-mode.js';
import { loadTrustRoot, trustRootSource, type TrustRoot } from '../provenance/trust-root.js';
import { trustRootOnce, verifyAssetProvenance } from '../provenance/verify-asset-provenance.js';
import { vouchRecord, type VouchRecord } from '../provenance/vouch.js';
import { DEFAULT_API_URL } from '../settings.js';
import { downloadRequestFor, releaseFileSource, type AssetSource } from './asset-source.js';
import type { LayerContext, LayerPlan } from './layer-plan.js';
import { readSmallFile, type ChecksumsFile } from './read-checksums-file.js';
import type { InstallableRelease } from './resolve-releases.js';
import type { InstallServices } from './services.js';

/** An asset whose bytes are downloaded and checked, ready to have its provenance checked. */
export interface ProvenanceSubject {
  readonly plan: LayerPlan;
  readonly entry: AssetEntry;
  readonly release: InstallableRelease;
  readonly asset: AssetSource;
  readonly checksums: ChecksumsFile | undefined;
  /** Lower-case hex sha256 of the downloaded bytes. */
  readonly sha256: string;
}

/** What the layer records and the log says about an asset's provenance. */
export interface AssetProvenance {
  /** verified, none, no-root, off, or skipped (a mirror build that asks GitHub nothing) */
  readonly status: string;
  readonly vouches: readonly VouchRecord[];
  readonly logLine: string;
}

/**
 * A plain signature over the asset (cosign sign-blob) needs the bytes again: they are fetched once more,
 * up to this size, only when such a signature names the asset's digest. Release binaries are far smaller.
 */
const SIGNED_ASSET_MAX_BYTES = 512 * 1024 * 1024;

/**
 * The TUF metadata of the public-good Sigstore root is kept in a directory under the layers dir that has no
 * `<layer>.toml`, so the lifecycle neither exports nor caches it; build() removes it when it ends.
 */
export function tufCacheDir(layersDir: string): string {
  return path.join(layersDir, '.sigstore-tuf');
}

/** The build's trusted root, loaded on the first asset that has provenance to check, then shared. */
export function buildTrustRoot(
  env: EnvLookup,
  bindings: readonly ServiceBinding[],
  layersDir: string,
): () => Promise<TrustRoot> {
  return trustRootOnce(() => loadTrustRoot(trustRootSource(env, bindings, tufCacheDir(layersDir))));
}

/** The attestations of an asset, asked for by the sha256 it must have before its download ends. */
export interface EarlyAttestations {
  readonly sha256: string;
  readonly answer: Promise<unknown>;
}

/**
 * Asks GitHub for the attestations of an asset by the sha256 it is expected to have (a pin, the release's
 * digest, a checksums file), so the answer comes while the asset downloads instead of a round trip after
 * it. The download must have that sha256 or fail, and verifyProvenance takes the answer only for the sha256
 * it checks. Undefined when no sha256 is expected, or when provenance asks GitHub nothing for the asset.
 */
export function askAttestationsEarly(
  subject: Pick<ProvenanceSubject, 'plan' | 'entry' | 'release'>,
  expectedSha256: string | undefined,
  services: InstallServices,
  context: LayerContext,
): EarlyAttestations | undefined {
  const { plan, entry, release } = subject;
  if (expectedSha256 === undefined || withoutLookup(modeOf(entry, context), release) !== undefined)
    return undefined;
  const answer = services.github.getAttestations(
    { owner: plan.owner, name: plan.repoName, sha256: expectedSha256, token: plan.token },
    context.logger,
  );
  // A failure is met where verifyProvenance awaits the answer; a download that fails first never does.
  answer.catch(() => undefined);
  return { sha256: expectedSha256, answer };
}

/** The entry's provenance mode, or the build's (BP_GITHUB_ASSETS_PROVENANCE) when the entry names none. */
function modeOf(entry: AssetEntry, context: LayerContext): ProvenanceMode {
  return entry.provenance ?? context.settings.provenance;
}

/**
 * What provenance says of an asset for which it asks GitHub nothing, or undefined when it asks for the
 * attestations: `off` makes no request, and a pinned tag fetched from a mirror asks GitHub nothing under
 * `auto` (air-gapped builds rely on it); `required` goes to the API, since it must not install an asset
 * without them.
 */
function withoutLookup(mode: ProvenanceMode, release: InstallableRelease): AssetProvenance | undefined {
  if (mode === 'off') return { status: 'off', vouches: [], logLine: 'provenance not checked (off)' };
  if (release.kind === 'pinned' && mode === 'auto') {
    return {
      status: 'skipped',
      vouches: [],
      logLine:
        'provenance not looked up: the asset comes from the mirror without asking GitHub (BP_GITHUB_ASSETS_PROVENANCE=required asks GitHub for its attestations)',
    };
  }
  return undefined;
}

/**
 * Checks the provenance of an installed (not yet published) asset under the entry's mode, through the
 * build's client and downloader: the attestations API with the layer's token (or the answer asked for
 * early, when it was asked for this sha256), `bundle_url` and signature files through the downloader, which
 * sends the token to the API origin only. A refusal throws the provenance module's error, so the layer is
 * not published. `off` makes no request at all.
 */
export async function verifyProvenance(
  subject: ProvenanceSubject,
  services: InstallServices,
  context: LayerContext,
  early?: EarlyAttestations,
): Promise<AssetProvenance> {
  const { plan, entry, release, asset } = subject;
  const { settings, logger } = context;
  const mode = modeOf(entry, context);
  const skipped = withoutLookup(mode, release);
  if (skipped !== undefined) return skipped;

  const read = (request: Parameters<typeof readSmallFile>[0], maxBytes?: number) =>
    readSmallFile(request, services.download, logger, maxBytes);
  const sourceContext = {
    repo: plan.repo,
    token: plan.token,
    mirror: settings.mirror,
    target: context.target,
  };
  const outcome = await verifyAssetProvenance(
    {
      label: `${entryLabel(entry.index, entry.repo)}: ${asset.name}`,
      owner: plan.owner,
      repo: plan.repoName,
      assetName: asset.name,
      sha256: subject.sha256,
      mode,
      signerWorkflow: entry.signerWorkflow,
      releaseFiles: release.kind === 'fetched' ? release.release.assets.map((file) => file.name) : [],
      checksums:
        subject.checksums === undefined
          ? undefined
          : { name: subject.checksums.name, content: await subject.checksums.bytes() },
      assetContent: () => read(downloadRequestFor(asset), SIGNED_ASSET_MAX_BYTES),
    },
    {
      fetchers: {
        getAttestations: (owner, repo, sha256) =>
          early?.sha256 === sha256 && owner === plan.owner && repo === plan.repoName
            ? early.answer
            : services.github.getAttestations({ owner, name: repo, sha256, token: plan.token }, logger),
        // bundle_url is on GitHub's storage origin: no token, whatever the entry has.
        getWithoutToken: (url) =>
          read({ url, token: undefined, label: `the attestation bundle of ${asset.name}` }),
      },
      readReleaseFile: (name) => read(downloadRequestFor(releaseFileSource(name, release, sourceContext))),
      trustRoot: context.trustRoot,
      serverUrl: githubServerUrl(settings.apiUrl),
    },
  );
  return { status: outcome.status, vouches: outcome.vouches.map(vouchRecord), logLine: outcome.logLine };
}

/**
 * The server whose workflows sign: a GitHub Enterprise Server for its `https://HOST/api/v3`, else
 * github.com (also for a look-alike or proxy of api.github.com, whose workflows still run on github.com).
 */
export function githubServerUrl(apiUrl: string): string {
  if (apiUrl === DEFAULT_API_URL) return 'https://github.com';
  const enterprise = /^(https:\/\/[^/]+)\/api\/v3\/?$/i.exec(apiUrl);
  return enterprise?.[1] ?? 'https://github.com';
}
