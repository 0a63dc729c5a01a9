import type { AssetEntry } from '../config/asset-entry.js';
import type { Release } from '../github/release.js';
import type { LayerRecord, ReleaseRecord } from '../layers/layer-record.js';
import { formatDuration } from '../log/format.js';
import type { LayerContext, LayerPlan } from './layer-plan.js';
import { hasWildcard } from './select-asset.js';
import type { ReleaseResolver } from './services.js';

/** The tag an entry asks for; '' for the latest release. */
export const LATEST = '';

/** Looked up now, with its asset list. */
export interface FetchedRelease {
  readonly kind: 'fetched';
  readonly requested: string;
  readonly release: Release;
}

/** GitHub answered 304 Not Modified: the same release the previous build recorded. */
export interface UnchangedRelease {
  readonly kind: 'unchanged';
  readonly record: ReleaseRecord;
}

/** A pinned tag fetched through a mirror: never looked up, so it has no id and no asset list. */
export interface PinnedRelease {
  readonly kind: 'pinned';
  readonly tag: string;
}

/** A release as this build knows it. */
export type ResolvedRelease = FetchedRelease | UnchangedRelease | PinnedRelease;

/** A release assets can be installed from: one that was looked up, or one that never needs to be. */
export type InstallableRelease = FetchedRelease | PinnedRelease;

export function requestedTag(entry: Pick<AssetEntry, 'tag'>): string {
  return entry.tag ?? LATEST;
}

/** The release as a layer's metadata records it. */
export function releaseRecord(resolved: ResolvedRelease): ReleaseRecord {
  switch (resolved.kind) {
    case 'fetched': {
      const { release } = resolved;
      return { requested: resolved.requested, tag: release.tag, id: release.id, etag: release.etag ?? '' };
    }
    case 'unchanged':
      return resolved.record;
    case 'pinned':
      // id 0: never looked up. The metadata keeps that shape so older layers still read back.
      return { requested: resolved.tag, tag: resolved.tag, id: 0, etag: '' };
  }
}

/** The tag assets are installed from. */
export function releaseTag(resolved: InstallableRelease): string {
  return resolved.kind === 'fetched' ? resolved.release.tag : resolved.tag;
}

/**
 * Resolves each distinct tag of the plan once. `latest` is asked conditionally (with the previous build's
 * ETag), since only it can change under the same request; with a mirror, a pinned tag whose names need no
 * asset list is not looked up at all.
 */
export async function resolveReleases(
  plan: LayerPlan,
  previous: LayerRecord | undefined,
  github: ReleaseResolver,
  context: LayerContext,
): Promise<Map<string, ResolvedRelease>> {
  const releases = new Map<string, ResolvedRelease>();
  for (const requested of new Set(plan.entries.map(requestedTag))) {
    const entries = plan.entries.filter((entry) => requestedTag(entry) === requested);
    if (requested !== LATEST && context.settings.mirror !== undefined && entries.every(canSkipApi)) {
      releases.set(requested, { kind: 'pinned', tag: requested });
      continue;
    }
    const before = previous?.releases.find((release) => release.requested === requested);
    if (requested === LATEST && before?.etag) {
      const release = await lookUpRelease(plan, requested, before.etag, github, context);
      releases.set(requested, release ?? { kind: 'unchanged', record: before });
    } else {
      releases.set(requested, await fetchRelease(plan, requested, github, context));
    }
  }
  return releases;
}

/**
 * With a mirror, a pinned entry whose names need no asset list is fetched without asking GitHub anything.
 * An entry without `asset` is not looked up either: the mirror stands for a network that may not reach
 * GitHub, and the entry is refused with a request for a template rather than guessed.
 */
function canSkipApi(entry: AssetEntry): boolean {
  return (
    (entry.asset === undefined || !hasWildcard(entry.asset)) &&
    (entry.checksums === undefined || !hasWildcard(entry.checksums))
  );
}

/** Looks a release up in full, to install from. */
export async function fetchRelease(
  plan: LayerPlan,
  requested: string,
  github: ReleaseResolver,
  context: LayerContext,
): Promise<FetchedRelease> {
  const release = await lookUpRelease(plan, requested, undefined, github, context);
  if (release === undefined) throw new Error(`${plan.repo}: 304 Not Modified to an unconditional request`);
  return release;
}

/** Looks a release up; with an ETag, conditionally, so an unchanged release costs a 304 (undefined). */
async function lookUpRelease(
  plan: LayerPlan,
  requested: string,
  etag: string | undefined,
  github: ReleaseResolver,
  context: LayerContext,
): Promise<FetchedRelease | undefined> {
  const started = Date.now();
  const result = await github.resolveRelease(
    {
      owner: plan.owner,
      name: plan.repoName,
      tag: requested === LATEST ? undefined : requested,
      token: plan.token,
      etag,
    },
    context.logger,
  );
  if (result.status === 'not-modified') return undefined;
  const { release } = result;
  context.logger.subprocess(
    `Resolved ${requested === LATEST ? 'latest release' : 'tag'} → ${release.tag} (${formatDuration(Date.now() - started)})`,
  );
  return { kind: 'fetched', requested, release };
}
