import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { AssetEntry } from '../config/asset-entry.js';
import type { InstalledAsset } from '../layers/layer-record.js';
import { formatBytes, formatDuration } from '../log/format.js';
import { arrangePickedFiles } from './arrange-picked-files.js';
import { findAssetSources } from './asset-source.js';
import { checkEntryBinaries } from './check-entry-binaries.js';
import { chooseAsset } from './choose-asset.js';
import { checksumRequiredError } from './errors.js';
import { collectExpectedChecksums } from './expected-checksums.js';
import { installAsset } from './install-asset.js';
import type { LayerContext, LayerPlan } from './layer-plan.js';
import { checksumsFileReader } from './read-checksums-file.js';
import { releaseTag, type InstallableRelease } from './resolve-releases.js';
import type { InstallServices } from './services.js';
import { askAttestationsEarly, verifyProvenance } from './verify-provenance.js';

/** How many image paths one entry lists before it says how many more there are. */
const MAX_PATHS_LOGGED = 10;

/**
 * Installs one entry into its own staging directory: chooses its asset, finds where it and its checksums
 * come from, gathers the sha256 it must have, then downloads, unpacks, lays out and checks it; returns what
 * the layer records.
 */
export async function installEntry(
  plan: LayerPlan,
  configured: AssetEntry,
  release: InstallableRelease,
  stagingDir: string,
  services: InstallServices,
  context: LayerContext,
): Promise<{ asset: InstalledAsset; files: readonly string[] }> {
  const { settings, logger } = context;
  const tag = releaseTag(release);
  const { entry, pick } = chooseAsset(configured, release, context);
  const sources = findAssetSources(entry, release, {
    repo: plan.repo,
    token: plan.token,
    mirror: settings.mirror,
    target: context.target,
  });
  const { asset } = sources;
  const checksumsFile =
    sources.checksums === undefined
      ? undefined
      : checksumsFileReader(sources.checksums, services.download, logger);
  const expected = await collectExpectedChecksums(entry, asset.listed, checksumsFile, asset.name, {
    target: context.target,
    requireChecksum: settings.requireChecksum,
  });
  if (expected.length === 0 && settings.requireChecksum) throw checksumRequiredError(entry, asset.label);

  const started = Date.now();
  const installing = installAsset(
    { entry, source: asset, expected, stagingDir, tempDir: path.dirname(stagingDir) },
    services,
    settings,
    logger,
  );
  // Asked once the download's first request is out, so that one takes the connection the release look-up
  // left open (on GitHub, a TLS handshake less before the bytes start).
  const attestations = askAttestationsEarly({ plan, entry, release }, expected[0]?.sha256, services, context);
  const installed = await installing;
  const { format } = installed.unpacked;
  const files =
    pick === undefined || entry.destination !== undefined
      ? installed.unpacked.files
      : await arrangePickedFiles({
          stagingDir,
          format,
          files: installed.unpacked.files,
          toolName: pick.toolName,
          stripped: entry.stripComponents > 0,
        });
  await checkEntryBinaries(entry, stagingDir, context);

  const destination = describeDestination(
    files,
    entry.destination ?? (pick === undefined ? undefined : commonDirectory(files)),
  );
  logger.subprocess(
    `Installed ${asset.name} (${formatBytes(installed.bytes)}, ${format})${destination.words} in ${formatDuration(Date.now() - started)}`,
  );
  for (const line of await imagePaths(files, stagingDir, entry.destination, context.layersDir, plan.name)) {
    logger.action(line);
  }
  logger.action(
    expected.length > 0
      ? `sha256 ${installed.sha256} verified against the ${expected.map((e) => e.source).join(' and the ')}`
      : `sha256 ${installed.sha256} (no checksum published: pin it with sha256 = "${installed.sha256}")`,
  );
  // Provenance is checked before the layer is published: a refusal throws, and no layer is left behind.
  const provenance = await verifyProvenance(
    { plan, entry, release, asset, checksums: checksumsFile, sha256: installed.sha256 },
    services,
    context,
    attestations,
  );
  logger.action(`Provenance: ${provenance.logLine}`);
  const record: InstalledAsset = {
    requested: configured.asset ?? '',
    tag,
    name: asset.name,
    id: asset.listed?.id ?? 0,
    size: installed.bytes,
    sha256: installed.sha256,
    verifiedBy: expected.map((e) => e.source),
    destination: destination.recorded,
    format,
    files: files.length,
    downloadUrl: asset.publicUrl,
    provenance: provenance.status,
    vouches: provenance.vouches,
  };
  return { asset: record, files };
}

/**
 * Where the files went, in words for the log (` as bin/jq`, `: 12 files unpacked into bin/`) and in the short
 * form the layer records: `bin/jq` for one file, `bin (12 files)` for an archive (`. (12 files)` for the
 * layer root, recorded as before).
 */
function describeDestination(
  files: readonly string[],
  destination: string | undefined,
): { readonly words: string; readonly recorded: string } {
  if (files.length === 1 && files[0] !== undefined) return { words: ` as ${files[0]}`, recorded: files[0] };
  const count = `${files.length} file${files.length === 1 ? '' : 's'}`;
  const into = destination;
  return {
    words:
      into === undefined ? `: ${count} unpacked into the layer's root` : `: ${count} unpacked into ${into}/`,
    recorded: `${into ?? '.'} (${count})`,
  };
}

/** The top directory every file lies under (`bin` for a picked archive), if there is one. */
function commonDirectory(files: readonly string[]): string | undefined {
  const tops = new Set(files.map((file) => (file.includes('/') ? file.split('/')[0] : '')));
  const [top] = tops;
  return tops.size === 1 && top !== undefined && top !== '' ? top : undefined;
}

/**
 * The paths the image has for the files a user may call by absolute path (a Kubernetes exec probe does not
 * go through the launcher): every executable, and the file `destination` named. The layers dir is the one
 * the lifecycle gave, which is `/layers/<buildpack id>` in the image.
 */
async function imagePaths(
  files: readonly string[],
  stagingDir: string,
  destination: string | undefined,
  layersDir: string,
  layerName: string,
): Promise<string[]> {
  const wanted: string[] = [];
  for (const file of files) {
    if (file === destination || (await isExecutable(path.join(stagingDir, file)))) wanted.push(file);
  }
  const shown = wanted
    .slice(0, MAX_PATHS_LOGGED)
    .map((file) => `in the image at ${path.posix.join(layersDir, layerName, file)}`);
  const more = wanted.length - shown.length;
  return more > 0 ? [...shown, `and ${more} more executable${more === 1 ? '' : 's'}`] : shown;
}

async function isExecutable(file: string): Promise<boolean> {
  const info = await stat(file).catch(() => undefined);
  return info !== undefined && info.isFile() && (info.mode & 0o111) !== 0;
}
