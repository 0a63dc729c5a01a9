import type { AssetEntry } from '../config/asset-entry.js';
import { pinnedSha256 } from '../config/platform-pin.js';
import { Layer, type LayerTypes } from '../layers/layer.js';
import { requestDigest, type LayerRecord } from '../layers/layer-record.js';
import type { LayerContext, LayerOutcome, LayerPlan } from './layer-plan.js';
import {
  fetchRelease,
  releaseRecord,
  type InstallableRelease,
  type ResolvedRelease,
  resolveReleases,
} from './resolve-releases.js';
import type { ReleaseResolver } from './services.js';

/**
 * Provides one layer: reuses it when the previous build made it from the same request (with no GitHub
 * request at all for pinned tags, and one conditional request per release for `latest`), and otherwise
 * installs it anew.
 */
export async function provideLayer(plan: LayerPlan, context: LayerContext): Promise<LayerOutcome> {
  const { logger } = context;
  const layer = new Layer(context.layersDir, plan.name, layerTypes(plan.entries));
  const digest = requestDigest(plan.entries, {
    target: context.target,
    apiUrl: context.settings.apiUrl,
    buildpackVersion: context.buildpack.version,
    provenance: context.settings.provenance,
  });
  const previous = await reusableRecord(layer, digest);

  logger.process(`${plan.repo} → layer ${plan.name}`);
  if (previous !== undefined && plan.entries.every((entry) => isFixed(entry, context))) {
    logger.subprocess(`Reusing layer: configuration unchanged (${describeTags(previous)}); no request made`);
    return keepLayer(plan, layer, previous, context);
  }

  const services = await context.services();
  const releases = await resolveReleases(plan, previous, services.github, context);
  if (previous !== undefined && [...releases.values()].every((known) => isUnchanged(known, previous))) {
    const record = { ...previous, releases: [...releases.values()].map(releaseRecord) };
    logger.subprocess(`Reusing layer: latest release unchanged (${describeTags(record)})`);
    return keepLayer(plan, layer, record, context);
  }
  const installable = await refetchUnchanged(plan, releases, services.github, context);
  // The install stack (downloads, undici, archive readers, picking, verification) is evaluated only here,
  // so a rebuild that reuses every layer never pays for it in time or memory.
  const { installLayer } = await import('./install-layer.js');
  return installLayer(plan, layer, installable, digest, services, context);
}

/**
 * Whether an entry names the same bytes from build to build: an exact tag, or a sha256 pin for this
 * platform (a pinned `latest` installs the pinned bytes or fails, so asking GitHub cannot change the layer).
 */
function isFixed(entry: AssetEntry, context: LayerContext): boolean {
  return entry.tag !== undefined || pinnedSha256(entry, context.target).status === 'pinned';
}

function layerTypes(entries: readonly AssetEntry[]): LayerTypes {
  const build = entries.some((entry) => entry.build);
  // A build layer is also cached, so later buildpacks find it on PATH and the next build can reuse it.
  return { launch: entries.some((entry) => entry.launch), build, cache: build };
}

/**
 * What the previous build recorded, when it made this layer from the same request and its files are here:
 * a cached layer is reused from its restored files; a launch-only layer from the previous image instead.
 */
async function reusableRecord(layer: Layer, digest: string): Promise<LayerRecord | undefined> {
  const restored = await layer.restoredRecord();
  if (restored?.requestDigest !== digest) return undefined;
  return !layer.types.cache || (await layer.hasDirectory()) ? restored : undefined;
}

async function keepLayer(
  plan: LayerPlan,
  layer: Layer,
  record: LayerRecord,
  context: LayerContext,
): Promise<LayerOutcome> {
  await layer.write(record, context.settings.sbom ? context.buildpack : undefined);
  return { name: plan.name, reused: true, record };
}

function describeTags(record: LayerRecord): string {
  return [...new Set(record.releases.map((release) => release.tag))].join(', ');
}

function isUnchanged(known: ResolvedRelease, previous: LayerRecord): boolean {
  if (known.kind === 'unchanged') return true;
  const record = releaseRecord(known);
  const before = previous.releases.find((release) => release.requested === record.requested);
  return before !== undefined && record.id === before.id && record.tag === before.tag;
}

/** Something changed: releases answered with 304 must now be fetched in full to install from. */
async function refetchUnchanged(
  plan: LayerPlan,
  releases: ReadonlyMap<string, ResolvedRelease>,
  github: ReleaseResolver,
  context: LayerContext,
): Promise<Map<string, InstallableRelease>> {
  const installable = new Map<string, InstallableRelease>();
  for (const [requested, known] of releases) {
    installable.set(
      requested,
      known.kind === 'unchanged' ? await fetchRelease(plan, requested, github, context) : known,
    );
  }
  return installable;
}
