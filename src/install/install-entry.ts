import path from 'node:path';
import type { AssetEntry } from '../config/asset-entry.js';
import type { InstalledAsset } from '../layers/layer-record.js';
import { formatBytes, formatDuration } from '../log/format.js';
import { findAssetSources } from './asset-source.js';
import { checksumRequiredError } from './errors.js';
import { collectExpectedChecksums } from './expected-checksums.js';
import { installAsset } from './install-asset.js';
import type { LayerContext, LayerPlan } from './layer-plan.js';
import { checksumsFileReader } from './read-checksums-file.js';
import { releaseTag, type InstallableRelease } from './resolve-releases.js';
import type { InstallServices } from './services.js';
import { verifyProvenance } from './verify-provenance.js';

/**
 * Installs one entry into its own staging directory: finds where its asset and checksums come from,
 * gathers the sha256 it must have, then downloads, unpacks and verifies it; returns what the layer records.
 */
export async function installEntry(
  plan: LayerPlan,
  entry: AssetEntry,
  release: InstallableRelease,
  stagingDir: string,
  services: InstallServices,
  context: LayerContext,
): Promise<InstalledAsset> {
  const { settings, logger } = context;
  const tag = releaseTag(release);
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
  const files = await installAsset(
    { entry, source: asset, expected, stagingDir, tempDir: path.dirname(stagingDir) },
    services,
    settings,
    logger,
  );
  const destination = describeDestination(files.unpacked.files, entry.destination);
  logger.subprocess(
    `Installed ${asset.name} (${formatBytes(files.bytes)}, ${files.unpacked.format}) → ${destination} in ${formatDuration(Date.now() - started)}`,
  );
  logger.action(
    expected.length > 0
      ? `sha256 ${files.sha256} verified against the ${expected.map((e) => e.source).join(' and the ')}`
      : `sha256 ${files.sha256} (no checksum published: pin it with sha256 = "${files.sha256}")`,
  );
  // Provenance is checked before the layer is published: a refusal throws, and no layer is left behind.
  const provenance = await verifyProvenance(
    { plan, entry, release, asset, checksums: checksumsFile, sha256: files.sha256 },
    services,
    context,
  );
  logger.action(`Provenance: ${provenance.logLine}`);
  return {
    requested: entry.asset,
    tag,
    name: asset.name,
    id: asset.listed?.id ?? 0,
    size: files.bytes,
    sha256: files.sha256,
    verifiedBy: expected.map((e) => e.source),
    destination,
    format: files.unpacked.format,
    files: files.unpacked.files.length,
    downloadUrl: asset.publicUrl,
    provenance: provenance.status,
    vouches: provenance.vouches,
  };
}

/** "bin/jq" for one file; "bin (12 files)" for an archive. */
function describeDestination(files: readonly string[], destination: string | undefined): string {
  if (files.length === 1 && files[0] !== undefined) return files[0];
  return `${destination ?? '.'} (${files.length} files)`;
}
