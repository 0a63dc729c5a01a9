import { mkdir, rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { AssetEntry } from '../config/asset-entry.js';
import type { Logger } from '../log/logger.js';
import type { Settings } from '../settings.js';
import type { UnpackResult } from '../archive/unpack-asset.js';
import { downloadRequestFor, type AssetSource } from './asset-source.js';
import type { DownloadAsset, UnpackAsset } from './services.js';
import { verifyChecksums, type ExpectedChecksum } from './expected-checksums.js';
import { emptyInstallError } from './errors.js';

export interface InstallAssetRequest {
  readonly entry: AssetEntry;
  readonly source: AssetSource;
  readonly expected: readonly ExpectedChecksum[];
  /** A directory of its own for this asset: it stands for the layer root while the asset is unpacked. */
  readonly stagingDir: string;
  readonly tempDir: string;
}

export interface InstalledFiles {
  readonly unpacked: UnpackResult;
  readonly sha256: string;
  readonly bytes: number;
}

/**
 * Downloads one asset and unpacks it into its staging directory in one streaming pass, hashing as the bytes
 * flow, then checks the hash. Every attempt starts from an empty staging directory, so a retried download
 * never mixes with the remains of the one before, and a failed one leaves nothing the layer would take.
 */
export async function installAsset(
  request: InstallAssetRequest,
  services: { readonly download: DownloadAsset; readonly unpack: UnpackAsset },
  settings: Settings,
  logger: Logger,
): Promise<InstalledFiles> {
  const { entry, source } = request;
  const unpackInto = async (body: Readable): Promise<UnpackResult> => {
    await rm(request.stagingDir, { recursive: true, force: true });
    await mkdir(request.stagingDir, { recursive: true });
    return services.unpack(body, {
      root: request.stagingDir,
      assetName: source.name,
      destination: entry.destination,
      stripComponents: entry.stripComponents,
      include: entry.include,
      limits: { maxBytes: settings.maxBytes, maxEntries: settings.maxEntries },
      tempDir: request.tempDir,
    });
  };
  const downloaded = await services.download(
    downloadRequestFor(source),
    unpackInto,
    // The download logs each retry itself, with the reason and the wait.
    { logger },
  );
  verifyChecksums(source.label, downloaded.sha256, request.expected);
  if (downloaded.value.files.length === 0) throw emptyInstallError(entry, source.label);
  return { unpacked: downloaded.value, sha256: downloaded.sha256, bytes: downloaded.bytes };
}
