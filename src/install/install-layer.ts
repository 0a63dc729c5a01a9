import { mkdtemp, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { LimitFunction } from 'p-limit';
import type { AssetEntry } from '../config/asset-entry.js';
import type { BuildpackDescriptor } from '../cnb/buildpack-descriptor.js';
import {
  layerDir,
  publishLayerDir,
  readRestoredLayerMetadata,
  removeLayer,
  writeLayerSbom,
  writeLayerToml,
  type LayerTypes,
} from '../cnb/cnb-files.js';
import type { Token } from '../github/token.js';
import type { Release, ReleaseAsset } from '../github/release.js';
import type { Logger } from '../log/logger.js';
import type { Settings } from '../settings.js';
import {
  fromLayerMetadata,
  requestDigest,
  targetLabel,
  toLayerMetadata,
  type InstalledAsset,
  type LayerRecord,
  type ReleaseRecord,
} from '../layers/layer-record.js';
import { layerSbom } from '../layers/sbom.js';
import { publicDownloadUrl, type AssetSource } from './asset-source.js';
import { mirrorUrl } from './mirror.js';
import { collectExpectedChecksums } from './expected-checksums.js';
import { installAsset } from './install-asset.js';
import { expandAssetName, selectAsset } from './select-asset.js';
import type { InstallServices } from './services.js';
import type { Target } from './target.js';
import { formatBytes, formatDuration } from '../log/format.js';
import { ChecksumRequiredError } from './checksum-required-error.js';

/** The entries of one repo, which share a layer. */
export interface LayerPlan {
  readonly name: string;
  readonly owner: string;
  readonly repoName: string;
  readonly repo: string;
  readonly entries: readonly AssetEntry[];
  readonly token: Token | undefined;
}

export interface LayerContext {
  readonly layersDir: string;
  readonly settings: Settings;
  readonly target: Target;
  readonly buildpack: BuildpackDescriptor;
  /** Loads the collaborators on first use: a build that reuses every layer never pays for the HTTP stack. */
  readonly services: () => Promise<InstallServices>;
  /** Bounds how many assets download at once across the whole build. */
  readonly limit: LimitFunction;
  readonly logger: Logger;
}

export interface LayerOutcome {
  readonly name: string;
  readonly reused: boolean;
  readonly record: LayerRecord;
}

/** A release as this build knows it: looked up now, known unchanged from last time, or only pinned (mirror). */
interface KnownRelease {
  readonly record: ReleaseRecord;
  /** The release's assets; undefined when it was not looked up (mirror) or did not change (304). */
  readonly assets: readonly ReleaseAsset[] | undefined;
}

const LATEST = '';

/**
 * Provides one layer: reuses it when the previous build made it from the same request (with no GitHub
 * request at all for pinned tags, and one conditional request per release for `latest`), and otherwise
 * installs every asset into a staging directory and moves it into place only when all of them succeeded.
 */
export async function provideLayer(plan: LayerPlan, context: LayerContext): Promise<LayerOutcome> {
  const { layersDir, settings, logger } = context;
  const types = layerTypes(plan.entries);
  const digest = requestDigest(plan.entries, {
    target: context.target,
    apiUrl: settings.apiUrl,
    buildpackVersion: context.buildpack.version,
  });
  const restored = fromLayerMetadata(await readRestoredLayerMetadata(layersDir, plan.name));
  const previous =
    restored?.requestDigest === digest && (await hasFilesIfCached(layersDir, plan.name, types))
      ? restored
      : undefined;

  logger.process(`${plan.repo} → layer ${plan.name}`);
  if (previous !== undefined && plan.entries.every((entry) => entry.tag !== undefined)) {
    logger.subprocess(`Reusing layer: configuration unchanged (${describeTags(previous)}); no request made`);
    return keepLayer(plan, previous, types, context);
  }

  const releases = await resolveReleases(plan, previous, context);
  if (previous !== undefined && [...releases.values()].every((known) => isUnchanged(known, previous))) {
    const record = { ...previous, releases: [...releases.values()].map((known) => known.record) };
    logger.subprocess(`Reusing layer: latest release unchanged (${describeTags(record)})`);
    return keepLayer(plan, record, types, context);
  }
  // Something changed: releases answered with 304 must now be fetched in full to install from.
  for (const [requested, known] of releases) {
    if (known.assets === undefined && known.record.id !== 0) {
      releases.set(requested, await lookUpRelease(plan, requested, undefined, context));
    }
  }
  return installLayer(plan, releases, types, digest, context);
}

function layerTypes(entries: readonly AssetEntry[]): LayerTypes {
  const build = entries.some((entry) => entry.build);
  // A build layer is also cached, so later buildpacks find it on PATH and the next build can reuse it.
  return { launch: entries.some((entry) => entry.launch), build, cache: build };
}

/** A cached layer is reused from its restored files; a launch-only layer from the previous image instead. */
async function hasFilesIfCached(layersDir: string, name: string, types: LayerTypes): Promise<boolean> {
  if (!types.cache) return true;
  return stat(layerDir(layersDir, name)).then(
    (info) => info.isDirectory(),
    () => false,
  );
}

async function keepLayer(
  plan: LayerPlan,
  record: LayerRecord,
  types: LayerTypes,
  context: LayerContext,
): Promise<LayerOutcome> {
  await writeLayerFiles(plan.name, record, types, context);
  return { name: plan.name, reused: true, record };
}

async function writeLayerFiles(
  name: string,
  record: LayerRecord,
  types: LayerTypes,
  context: LayerContext,
): Promise<void> {
  if (context.settings.sbom)
    await writeLayerSbom(context.layersDir, name, layerSbom(record, context.buildpack));
  await writeLayerToml(context.layersDir, name, types, toLayerMetadata(record));
}

function describeTags(record: LayerRecord): string {
  return [...new Set(record.releases.map((release) => release.tag))].join(', ');
}

function isUnchanged(known: KnownRelease, previous: LayerRecord): boolean {
  const before = previous.releases.find((release) => release.requested === known.record.requested);
  return before !== undefined && known.record.id === before.id && known.record.tag === before.tag;
}

async function resolveReleases(
  plan: LayerPlan,
  previous: LayerRecord | undefined,
  context: LayerContext,
): Promise<Map<string, KnownRelease>> {
  const releases = new Map<string, KnownRelease>();
  for (const requested of new Set(plan.entries.map((entry) => entry.tag ?? LATEST))) {
    const entries = plan.entries.filter((entry) => (entry.tag ?? LATEST) === requested);
    if (requested !== LATEST && context.settings.mirror !== undefined && entries.every(canSkipApi)) {
      releases.set(requested, { record: { requested, tag: requested, id: 0, etag: '' }, assets: undefined });
      continue;
    }
    const before = previous?.releases.find((release) => release.requested === requested);
    // Only `latest` can change under the same request, so only it is asked conditionally.
    const etag = requested === LATEST && before?.etag ? before.etag : undefined;
    const known = await lookUpRelease(plan, requested, etag, context);
    releases.set(
      requested,
      known.assets === undefined && before !== undefined ? { ...known, record: before } : known,
    );
  }
  return releases;
}

/** With a mirror, a pinned entry whose names need no asset list is fetched without asking GitHub anything. */
function canSkipApi(entry: AssetEntry): boolean {
  const values = { tag: entry.tag ?? '', target: { os: 'linux', arch: 'amd64', variant: undefined } };
  return (
    expandAssetName(entry.asset, values) !== undefined &&
    (entry.checksums === undefined ||
      expandAssetName(entry.checksums, { ...values, asset: 'x' }) !== undefined)
  );
}

async function lookUpRelease(
  plan: LayerPlan,
  requested: string,
  etag: string | undefined,
  context: LayerContext,
): Promise<KnownRelease> {
  const started = Date.now();
  const { github } = await context.services();
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
  if (result.status === 'not-modified') {
    return { record: { requested, tag: '', id: -1, etag: etag ?? '' }, assets: undefined };
  }
  const release: Release = result.release;
  context.logger.subprocess(
    `Resolved ${requested === LATEST ? 'latest release' : 'tag'} → ${release.tag} (${formatDuration(Date.now() - started)})`,
  );
  return {
    record: { requested, tag: release.tag, id: release.id, etag: release.etag ?? '' },
    assets: release.assets,
  };
}

async function installLayer(
  plan: LayerPlan,
  releases: ReadonlyMap<string, KnownRelease>,
  types: LayerTypes,
  digest: string,
  context: LayerContext,
): Promise<LayerOutcome> {
  const { layersDir } = context;
  await removeLayer(layersDir, plan.name);
  // Staging lives beside the layer, on the same filesystem, so publishing it is a rename. The lifecycle
  // ignores a directory that has no toml, and this one is removed whatever happens.
  const staging = await mkdtemp(path.join(layersDir, `.staging-${plan.name}-`));
  try {
    const installed = await Promise.all(
      plan.entries.map((entry) =>
        context.limit(() =>
          installEntry(plan, entry, releases, path.join(staging, `asset-${entry.index}`), context),
        ),
      ),
    );
    const layerRoot = path.join(staging, 'layer');
    const { merge } = await context.services();
    for (const { stagingDir } of installed) await merge(stagingDir, layerRoot);
    const record: LayerRecord = {
      repo: plan.repo,
      releases: [...releases.values()].map((known) => known.record),
      requestDigest: digest,
      buildpackVersion: context.buildpack.version,
      target: targetLabel(context.target),
      assets: installed.map(({ asset }) => asset),
    };
    await publishLayerDir(layersDir, plan.name, layerRoot);
    await writeLayerFiles(plan.name, record, types, context);
    return { name: plan.name, reused: false, record };
  } catch (error) {
    await removeLayer(layersDir, plan.name);
    throw error;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function installEntry(
  plan: LayerPlan,
  entry: AssetEntry,
  releases: ReadonlyMap<string, KnownRelease>,
  stagingDir: string,
  context: LayerContext,
): Promise<{ asset: InstalledAsset; stagingDir: string }> {
  const { settings, logger } = context;
  const known = releases.get(entry.tag ?? LATEST);
  if (known === undefined) throw new Error(`no release resolved for entry ${entry.index}`);
  const tag = known.record.tag;
  const values = { tag, target: context.target };
  const chosen =
    known.assets === undefined ? undefined : selectAsset(entry, 'asset', entry.asset, known.assets, values);
  const assetName = chosen?.name ?? expandAssetName(entry.asset, values) ?? entry.asset;
  const source = assetSource(plan, tag, assetName, chosen, context);
  const label = `${assetName} from ${plan.repo} ${tag}`;
  const checksumsFile = checksumsSource(plan, entry, known, tag, assetName, context);
  const expected = await collectExpectedChecksums(entry, chosen, checksumsFile, assetName);
  if (expected.length === 0 && settings.requireChecksum) throw new ChecksumRequiredError(entry, label);

  const started = Date.now();
  const files = await installAsset(
    {
      entry,
      assetName,
      size: chosen?.size,
      source,
      expected,
      stagingDir,
      tempDir: path.dirname(stagingDir),
      label,
    },
    await context.services(),
    settings,
    logger,
  );
  const destination = describeDestination(files.unpacked.files, entry.destination);
  logger.subprocess(
    `Installed ${assetName} (${formatBytes(files.bytes)}, ${files.unpacked.format}) → ${destination} in ${formatDuration(Date.now() - started)}`,
  );
  logger.action(
    expected.length > 0
      ? `sha256 ${files.sha256} verified against the ${expected.map((e) => e.source).join(' and the ')}`
      : `sha256 ${files.sha256} (no checksum published: pin it with sha256 = "${files.sha256}")`,
  );
  return {
    stagingDir,
    asset: {
      requested: entry.asset,
      tag,
      name: assetName,
      id: chosen?.id ?? 0,
      size: files.bytes,
      sha256: files.sha256,
      verifiedBy: expected.map((e) => e.source),
      destination,
      format: files.unpacked.format,
      files: files.unpacked.files.length,
      downloadUrl: source.publicUrl,
    },
  };
}

function assetSource(
  plan: LayerPlan,
  tag: string,
  assetName: string,
  chosen: ReleaseAsset | undefined,
  context: LayerContext,
): AssetSource {
  const { mirror } = context.settings;
  if (mirror !== undefined) {
    const url = mirrorUrl(mirror, plan.repo, tag, assetName);
    return { url, token: undefined, publicUrl: publicDownloadUrl(url) };
  }
  if (chosen === undefined) throw new Error(`asset ${assetName} was not looked up`);
  // Without a token the repo is public: its download URL does not count against the 60 requests an hour
  // that a CI fleet behind one address shares. A private repo needs the API URL, the only one that takes a
  // token.
  const url = plan.token === undefined ? chosen.browserDownloadUrl : chosen.apiUrl;
  return { url, token: plan.token, publicUrl: chosen.browserDownloadUrl };
}

function checksumsSource(
  plan: LayerPlan,
  entry: AssetEntry,
  known: KnownRelease,
  tag: string,
  assetName: string,
  context: LayerContext,
): { name: string; read: () => Promise<string> } | undefined {
  if (entry.checksums === undefined) return undefined;
  const values = { tag, target: context.target, asset: assetName };
  const file =
    known.assets === undefined
      ? undefined
      : selectAsset(entry, 'checksums', entry.checksums, known.assets, values);
  const name = file?.name ?? expandAssetName(entry.checksums, values) ?? entry.checksums;
  const source = assetSource(plan, tag, name, file, context);
  return {
    name,
    read: async () => {
      const { download } = await context.services();
      const result = await download(
        {
          url: source.url,
          token: source.token,
          expectedSize: file?.size,
          label: `${name} from ${plan.repo} ${tag}`,
        },
        readSmallText,
        { logger: context.logger },
      );
      return result.value;
    },
  };
}

const CHECKSUMS_MAX_BYTES = 4 * 1024 * 1024;

async function readSmallText(body: AsyncIterable<Buffer | string>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > CHECKSUMS_MAX_BYTES)
      throw new Error(`checksums file larger than ${formatBytes(CHECKSUMS_MAX_BYTES)}`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** "bin/jq" for one file; "bin (12 files)" for an archive. */
function describeDestination(files: readonly string[], destination: string | undefined): string {
  if (files.length === 1 && files[0] !== undefined) return files[0];
  return `${destination ?? '.'} (${files.length} files)`;
}
