import { createHash } from 'node:crypto';
import type TOML from '@iarna/toml';
import type { AssetEntry } from '../config/asset-entry.js';
import { targetLabel, type Target } from '../cnb/target.js';
import type { ProvenanceMode } from '../provenance/provenance-mode.js';
import type { VouchRecord } from '../provenance/vouch.js';

/** Free-form layer metadata as `<layer>.toml` holds it; TOML has no null, so values are never null. */
export type LayerMetadata = TOML.JsonMap;

/** One installed asset, as recorded in the layer's metadata (no secrets, no signed URLs). */
export interface InstalledAsset {
  /** The entry's `asset` as configured (an exact name or a template). */
  readonly requested: string;
  /** The release tag it came from. */
  readonly tag: string;
  readonly name: string;
  readonly id: number;
  readonly size: number;
  readonly sha256: string;
  /** Sources the sha256 was checked against; empty when none existed. */
  readonly verifiedBy: readonly string[];
  readonly destination: string;
  readonly format: string;
  readonly files: number;
  /** Public download URL (browser_download_url or the mirror's), for the SBOM. */
  readonly downloadUrl: string;
  /** What became of its provenance: verified, none (nothing published), no-root, off. */
  readonly provenance: string;
  /** The verified workflows that built it, with ref, commit and transparency log entry. */
  readonly vouches: readonly VouchRecord[];
}

/** A release a layer's assets came from. */
export interface ReleaseRecord {
  /** The tag as configured; '' for the latest release. */
  readonly requested: string;
  readonly tag: string;
  /** 0 when the release was never looked up (pinned tag with a mirror). */
  readonly id: number;
  /** ETag of the API answer, for a conditional request next time; '' when there is none. */
  readonly etag: string;
}

/** Everything a layer's metadata records about what it holds. */
export interface LayerRecord {
  readonly repo: string;
  readonly releases: readonly ReleaseRecord[];
  readonly requestDigest: string;
  readonly buildpackVersion: string;
  readonly target: string;
  readonly assets: readonly InstalledAsset[];
}

/**
 * A digest of what the configuration asks of one layer. The layer is reused only when it is unchanged, so a
 * changed field, target, API host or buildpack version always replaces the layer.
 */
export function requestDigest(
  entries: readonly AssetEntry[],
  context: {
    readonly target: Target;
    readonly apiUrl: string;
    readonly buildpackVersion: string;
    /** BP_GITHUB_ASSETS_PROVENANCE: a layer installed under a laxer mode is not reused under a stricter one. */
    readonly provenance: ProvenanceMode;
  },
): string {
  const request = {
    apiUrl: context.apiUrl,
    buildpackVersion: context.buildpackVersion,
    target: targetLabel(context.target),
    libc: context.target.libc,
    entries: entries.map((entry) => ({
      repo: entry.repo,
      asset: entry.asset ?? '',
      archCheck: entry.archCheck,
      tag: entry.tag ?? '',
      destination: entry.destination ?? '',
      stripComponents: entry.stripComponents,
      sha256: entry.sha256 ?? sortedTable(entry.sha256ByPlatform) ?? '',
      checksums: entry.checksums ?? '',
      include: entry.include ?? [],
      launch: entry.launch,
      build: entry.build,
      provenance: entry.provenance ?? context.provenance,
      signerWorkflow: entry.signerWorkflow ?? '',
    })),
  };
  return createHash('sha256').update(JSON.stringify(request)).digest('hex');
}

/** A pin table as sorted pairs, so the order it is written in does not change the digest. */
function sortedTable(table: Readonly<Record<string, string>> | undefined): string[][] | undefined {
  return table === undefined ? undefined : Object.entries(table).sort(([a], [b]) => (a < b ? -1 : 1));
}

export function toLayerMetadata(record: LayerRecord): LayerMetadata {
  return {
    repo: record.repo,
    releases: record.releases.map((release): TOML.JsonMap => ({
      requested: release.requested,
      tag: release.tag,
      id: release.id,
      etag: release.etag,
    })),
    request_digest: record.requestDigest,
    buildpack_version: record.buildpackVersion,
    target: record.target,
    assets: record.assets.map((asset): TOML.JsonMap => ({
      requested: asset.requested,
      tag: asset.tag,
      name: asset.name,
      id: asset.id,
      size: asset.size,
      sha256: asset.sha256,
      verified_by: [...asset.verifiedBy],
      destination: asset.destination,
      format: asset.format,
      files: asset.files,
      download_url: asset.downloadUrl,
      provenance: asset.provenance,
      vouches: asset.vouches.map((vouch): TOML.JsonMap => ({ ...vouch })),
    })),
  };
}

/** Reads back metadata written by toLayerMetadata; anything else (another version's shape) is undefined. */
export function fromLayerMetadata(metadata: LayerMetadata | undefined): LayerRecord | undefined {
  if (metadata === undefined) return undefined;
  const releases = tablesOf(metadata['releases']).map((release) => ({
    requested: text(release['requested']),
    tag: text(release['tag']),
    id: count(release['id']),
    etag: text(release['etag']),
  }));
  const assets = tablesOf(metadata['assets']).map((asset) => ({
    requested: text(asset['requested']),
    tag: text(asset['tag']),
    name: text(asset['name']),
    id: count(asset['id']),
    size: count(asset['size']),
    sha256: text(asset['sha256']),
    verifiedBy: texts(asset['verified_by']),
    destination: text(asset['destination']),
    format: text(asset['format']),
    files: count(asset['files']),
    downloadUrl: text(asset['download_url']),
    provenance: text(asset['provenance']),
    vouches: tablesOf(asset['vouches']).map(vouchOf),
  }));
  const record = {
    repo: text(metadata['repo']),
    requestDigest: text(metadata['request_digest']),
    buildpackVersion: text(metadata['buildpack_version']),
    target: text(metadata['target']),
  };
  if (!complete(record) || !releases.every(complete) || !assets.every(complete)) return undefined;
  if (!assets.every((asset) => asset.vouches.every(complete))) return undefined;
  return {
    ...record,
    releases,
    assets: assets.map((asset) => ({ ...asset, vouches: asset.vouches.filter(complete) })),
  };
}

function vouchOf(table: Record<string, unknown>) {
  return {
    source: text(table['source']),
    workflow: text(table['workflow']),
    ref: text(table['ref']),
    commit: text(table['commit']),
    log_index: text(table['log_index']),
  };
}

type Complete<T> = { [K in keyof T]: Exclude<T[K], undefined> };

function complete<T extends object>(value: T): value is Complete<T> {
  return Object.values(value).every((field) => field !== undefined);
}

function tablesOf(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value)
    ? value.filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null)
    : [];
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined;
}

function texts(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : undefined;
}
