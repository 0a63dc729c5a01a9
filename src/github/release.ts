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
