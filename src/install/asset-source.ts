import type { Token } from '../github/token.js';

/** Where an asset's bytes come from for one build: GitHub's asset API, or a mirror. */
export interface AssetSource {
  /** URL fetched: the API asset URL (works for private repos), or the mirror's URL. */
  readonly url: string;
  /** Sent to the API origin only; never to a mirror. */
  readonly token: Token | undefined;
  /** Public URL recorded in metadata and the SBOM: never signed, never with credentials. */
  readonly publicUrl: string;
}

/** The URL a person would use to download the asset, without any credentials a mirror URL carries. */
export function publicDownloadUrl(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  parsed.search = '';
  return parsed.toString();
}
