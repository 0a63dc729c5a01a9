import type { Logger } from '../log/logger.js';
import { formatBytes } from '../log/format.js';
import { downloadRequestFor, type AssetSource } from './asset-source.js';
import type { DownloadAsset } from './services.js';

/** Far above any real checksums file, and small enough that reading one whole costs nothing. */
const CHECKSUMS_MAX_BYTES = 4 * 1024 * 1024;

/** Downloads a release's checksums file as text, read only when the entry's sha256 is collected. */
export function checksumsFileReader(
  source: AssetSource,
  download: DownloadAsset,
  logger: Logger,
): { readonly name: string; readonly read: () => Promise<string> } {
  return {
    name: source.name,
    read: async () => {
      const result = await download(downloadRequestFor(source), readSmallText, { logger });
      return result.value;
    },
  };
}

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
