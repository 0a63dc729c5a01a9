import type { Logger } from '../log/logger.js';
import type { Settings } from '../settings.js';
import type { InstallServices } from './services.js';

/**
 * The real collaborators, loaded on demand: the GitHub client, HTTP stack and decompressors are most of the
 * bundle, and detect never needs them, so it starts without evaluating them.
 */
export async function createInstallServices(
  settings: Settings,
  logger: Logger,
  userAgent: string,
): Promise<InstallServices> {
  const [{ createGitHubClient }, { downloadAsset }, { defaultRetryOptions }, { unpackAsset }, { mergeTree }] =
    await Promise.all([
      import('../github/client.js'),
      import('../download/download-asset.js'),
      import('../download/retry-policy.js'),
      import('../archive/unpack-asset.js'),
      import('../archive/merge-tree.js'),
    ]);
  const retry = { ...defaultRetryOptions, maxWaitMs: settings.maxWaitMs };
  return {
    github: createGitHubClient({ apiUrl: settings.apiUrl, logger, retry, userAgent }),
    download: (request, consume, options) =>
      downloadAsset(request, consume, { ...options, retry, userAgent }),
    unpack: unpackAsset,
    merge: mergeTree,
  };
}
