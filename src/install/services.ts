import type { Readable } from 'node:stream';
import type { Logger } from '../log/logger.js';
import type { unpackAsset } from '../archive/unpack-asset.js';
import type { mergeTree } from '../archive/merge-tree.js';
import type { DownloadRequest, DownloadResult } from '../download/download-asset.js';
import type { AttestationsRequest, ResolveReleaseRequest, ResolveReleaseResult } from '../github/client.js';

/** Streams an asset to `consume`, with retries; retry and timeout settings are bound by the caller. */
export type DownloadAsset = <T>(
  request: DownloadRequest,
  consume: (body: Readable) => Promise<T>,
  options: { readonly logger: Logger; readonly onRetry?: (attempt: number, error: unknown) => void },
) => Promise<DownloadResult<T>>;

export type UnpackAsset = typeof unpackAsset;
export type MergeTree = typeof mergeTree;

export interface ReleaseResolver {
  resolveRelease(request: ResolveReleaseRequest, logger: Logger): Promise<ResolveReleaseResult>;
}

/** GitHub's artifact attestations for a digest: the parsed answer, undefined when there are none (404). */
export interface AttestationLookup {
  getAttestations(request: AttestationsRequest, logger: Logger): Promise<unknown>;
}

/** The collaborators a build needs; passed in, so tests can hand in their own. */
export interface InstallServices {
  readonly github: ReleaseResolver & AttestationLookup;
  readonly download: DownloadAsset;
  readonly unpack: UnpackAsset;
  readonly merge: MergeTree;
}

/** The real collaborators, with the connection pool they share, which a short-lived tool must close. */
export interface ClosableInstallServices extends InstallServices {
  close(): Promise<void>;
}
