import { readCapped } from '../download/bounded-read.js';
import type { DownloadRequest } from '../download/download-asset.js';
import type { Logger } from '../log/logger.js';
import { downloadRequestFor, type AssetSource } from './asset-source.js';
import type { DownloadAsset } from './services.js';

/**
 * Far above any real checksums file or Sigstore bundle (a few kB), and small enough that reading one whole
 * costs nothing.
 */
export const SMALL_FILE_MAX_BYTES = 4 * 1024 * 1024;

/** A release's checksums file, downloaded once on first read and kept for whoever asks again. */
export interface ChecksumsFile {
  readonly name: string;
  readonly read: () => Promise<string>;
  /** The exact bytes, for checking a signature over the file. */
  readonly bytes: () => Promise<Buffer>;
}

/** Downloads a release's checksums file, read only when the entry's sha256 is collected. */
export function checksumsFileReader(
  source: AssetSource,
  download: DownloadAsset,
  logger: Logger,
): ChecksumsFile {
  let loading: Promise<Buffer> | undefined;
  const bytes = (): Promise<Buffer> =>
    (loading ??= readSmallFile(downloadRequestFor(source), download, logger));
  return { name: source.name, read: async () => (await bytes()).toString('utf8'), bytes };
}

/**
 * Downloads a small file whole (a checksums file, a signature bundle), through the build's downloader with
 * its retries and credential rules, refusing a body past `maxBytes`.
 */
export async function readSmallFile(
  request: DownloadRequest,
  download: DownloadAsset,
  logger: Logger,
  maxBytes = SMALL_FILE_MAX_BYTES,
): Promise<Buffer> {
  const result = await download(request, (body) => readCapped(body, maxBytes, 'refuse'), { logger });
  return result.value;
}
