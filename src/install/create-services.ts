import type { Logger } from '../log/logger.js';
import type { Settings } from '../settings.js';
import type { ClosableInstallServices } from './services.js';

/**
 * The real collaborators, loaded on demand: the GitHub client, HTTP stack and decompressors are most of the
 * bundle, and detect never needs them, so it starts without evaluating them. The pin tool wires itself
 * here too, so it fetches exactly as the build does.
 */
export async function createInstallServices(
  settings: Settings,
  logger: Logger,
  userAgent: string,
): Promise<ClosableInstallServices> {
  const [
    { createGitHubClient },
    { downloadAsset },
    { defaultRetryOptions },
    { createDispatcher },
    { unpackAsset },
    { mergeTree },
  ] = await Promise.all([
    import('../github/client.js'),
    import('../download/download-asset.js'),
    import('../download/retry-policy.js'),
    import('../download/http-dispatcher.js'),
    import('../archive/unpack-asset.js'),
    import('../archive/merge-tree.js'),
  ]);
  const retry = { ...defaultRetryOptions, maxWaitMs: settings.maxWaitMs };
  // One connection pool for the whole build: the API look-ups and the downloads of every asset reuse
  // connections (and TLS sessions) to the same hosts instead of opening new ones each time.
  const dispatcher = createDispatcher(retry, settings.certificates);
  return {
    github: createGitHubClient({
      apiUrl: settings.apiUrl,
      logger,
      retry,
      userAgent,
      dispatcher,
      maxAnswerBytes: settings.maxApiBytes,
    }),
    download: (request, consume, options) =>
      downloadAsset(request, consume, {
        ...options,
        retry,
        userAgent,
        dispatcher,
        // Credentials go to the configured API origin only, never to a host an answer names.
        apiUrl: settings.apiUrl,
        minBytesPerSecond: settings.minSpeedKiB * 1024,
      }),
    unpack: unpackAsset,
    merge: mergeTree,
    close: () => dispatcher.close(),
  };
}
