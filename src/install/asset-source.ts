/**
 * Where the bytes of an asset and of its checksums file come from for one build: the release's asset (its
 * browser URL for a public repo, its API URL with the token for a private one), or the same path on a
 * mirror. Names come from the release's asset list when it was looked up, else from expanding the template.
 */
import type { AssetEntry } from '../config/asset-entry.js';
import type { Target } from '../cnb/target.js';
import type { DownloadRequest } from '../download/download-asset.js';
import type { Token } from '../github/token.js';
import type { ReleaseAsset } from '../github/release.js';
import { releaseTag, type InstallableRelease } from './resolve-releases.js';
import { expandAssetName, selectAsset } from './select-asset.js';

export interface AssetSource {
  /** The asset's name in the release. */
  readonly name: string;
  /** URL fetched: the browser or API asset URL, or the mirror's URL. */
  readonly url: string;
  /** Sent to the API origin only; never to a mirror. */
  readonly token: Token | undefined;
  /** Public URL recorded in metadata and the SBOM: never signed, never with credentials. */
  readonly publicUrl: string;
  /** The asset as the release lists it; undefined when the release was not looked up (pinned, mirror). */
  readonly listed: ReleaseAsset | undefined;
  /** "jq-linux64 from stedolan/jq jq-1.6", for messages. */
  readonly label: string;
}

export interface SourceContext {
  readonly repo: string;
  readonly token: Token | undefined;
  readonly mirror: string | undefined;
  readonly target: Target;
}

/** The sources of an entry's asset and, when it names one, of its checksums file. */
export function findAssetSources(
  entry: AssetEntry & { readonly asset: string },
  release: InstallableRelease,
  context: SourceContext,
): { readonly asset: AssetSource; readonly checksums: AssetSource | undefined } {
  const asset = findSource(entry, 'asset', entry.asset, release, undefined, context);
  const checksums =
    entry.checksums === undefined
      ? undefined
      : findSource(entry, 'checksums', entry.checksums, release, asset.name, context);
  return { asset, checksums };
}

function findSource(
  entry: AssetEntry,
  field: string,
  pattern: string,
  release: InstallableRelease,
  assetName: string | undefined,
  context: SourceContext,
): AssetSource {
  const tag = releaseTag(release);
  const values = { tag, target: context.target, asset: assetName };
  const listed =
    release.kind === 'fetched'
      ? selectAsset(entry, field, pattern, release.release.assets, values)
      : undefined;
  const name = listed?.name ?? expandAssetName(pattern, values) ?? pattern;
  return sourceOf(name, listed, tag, context);
}

/** Where another file of the release comes from, by its exact name: a signature bundle, say. */
export function releaseFileSource(
  name: string,
  release: InstallableRelease,
  context: SourceContext,
): AssetSource {
  const listed =
    release.kind === 'fetched' ? release.release.assets.find((asset) => asset.name === name) : undefined;
  return sourceOf(name, listed, releaseTag(release), context);
}

function sourceOf(
  name: string,
  listed: ReleaseAsset | undefined,
  tag: string,
  context: SourceContext,
): AssetSource {
  const label = `${name} from ${context.repo} ${tag}`;
  if (context.mirror !== undefined) {
    const url = mirrorUrl(context.mirror, context.repo, tag, name);
    return { name, url, token: undefined, publicUrl: publicDownloadUrl(url), listed, label };
  }
  if (listed === undefined) throw new Error(`asset ${name} was not looked up`);
  // Without a token the repo is public: its download URL does not count against the 60 requests an hour
  // that a CI fleet behind one address shares. A private repo needs the API URL, the only one that takes a
  // token.
  const url = context.token === undefined ? listed.browserDownloadUrl : listed.apiUrl;
  return { name, url, token: context.token, publicUrl: listed.browserDownloadUrl, listed, label };
}

/** What to ask the downloader for to fetch a source. */
export function downloadRequestFor(source: AssetSource): DownloadRequest {
  return { url: source.url, token: source.token, expectedSize: source.listed?.size, label: source.label };
}

/** A mirror laid out like github.com's download paths: `<base>/<owner>/<repo>/releases/download/<tag>/<asset>`. */
export function mirrorUrl(base: string, repo: string, tag: string, assetName: string): string {
  const segments = [...repo.split('/'), 'releases', 'download', tag, assetName].map(encodeURIComponent);
  return `${base}/${segments.join('/')}`;
}

/** The URL a person would use to download the asset, without any credentials a mirror URL carries. */
export function publicDownloadUrl(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  parsed.search = '';
  return parsed.toString();
}
