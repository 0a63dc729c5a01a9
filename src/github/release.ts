import { GitHubApiError } from './errors.js';

/** The parts of a GitHub release that the buildpack uses. */
export interface ReleaseAsset {
  readonly id: number;
  readonly name: string;
  readonly size: number;
  /** `sha256:<hex>` as GitHub reports it, or null for assets uploaded before digests existed. */
  readonly digest: string | null;
  /** API URL of the asset (`/repos/{owner}/{repo}/releases/assets/{id}`): works for private repos too. */
  readonly apiUrl: string;
  readonly browserDownloadUrl: string;
}

export interface Release {
  readonly id: number;
  readonly tag: string;
  readonly assets: readonly ReleaseAsset[];
  /** ETag of the API answer, for a conditional request on the next build. */
  readonly etag: string | undefined;
}

/** Checks and narrows GitHub's release JSON: odd answers become a clear error, not a crash later. */
export function parseRelease(
  data: unknown,
  etag: string | undefined,
  display: string,
  apiUrl: string,
  request: { readonly owner: string; readonly name: string },
): Release {
  const release = asRecord(data);
  const unexpected = (what: string): GitHubApiError =>
    new GitHubApiError({
      request: `release ${display} of ${request.owner}/${request.name}`,
      status: undefined,
      attempts: 1,
      reason: `unexpected answer: ${what}`,
      apiUrl,
    });
  if (release === undefined) throw unexpected('not a JSON object');
  const id = release['id'];
  const tag = release['tag_name'];
  const assets = release['assets'];
  if (typeof id !== 'number' || typeof tag !== 'string' || !Array.isArray(assets)) {
    throw unexpected('no id, tag_name or assets');
  }
  return {
    id,
    tag,
    etag,
    assets: assets.map((item: unknown, index): ReleaseAsset => {
      const asset = asRecord(item);
      const digest = asset?.['digest'];
      if (
        asset === undefined ||
        typeof asset['id'] !== 'number' ||
        typeof asset['name'] !== 'string' ||
        typeof asset['size'] !== 'number' ||
        typeof asset['url'] !== 'string' ||
        typeof asset['browser_download_url'] !== 'string'
      ) {
        throw unexpected(`asset ${index + 1} lacks id, name, size or URLs`);
      }
      return {
        id: asset['id'],
        name: asset['name'],
        size: asset['size'],
        digest: typeof digest === 'string' ? digest : null,
        apiUrl: asset['url'],
        browserDownloadUrl: asset['browser_download_url'],
      };
    }),
  };
}

/** The value as a JSON object, or undefined. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
