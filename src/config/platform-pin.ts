import type { AssetEntry } from './asset-entry.js';

/** What an entry pins for one platform. */
export type PlatformPin =
  | { readonly status: 'pinned'; readonly sha256: string }
  /** Nothing is pinned for any platform. */
  | { readonly status: 'unpinned' }
  /** sha256 is a table without this platform: an error under BP_GITHUB_ASSETS_REQUIRE_CHECKSUM=true. */
  | { readonly status: 'missing'; readonly pinnedPlatforms: readonly string[] };

/** The key a platform has in a `sha256` table: `os/arch`, or `os/arch/variant` when the target has a variant. */
export function platformKey(target: {
  readonly os: string;
  readonly arch: string;
  readonly variant?: string | undefined;
}): string {
  return [target.os, target.arch, target.variant]
    .filter((part) => part !== undefined && part !== '')
    .join('/');
}

/**
 * The sha256 the entry pins for a platform: its single `sha256`, else its table's value for `os/arch/variant`,
 * else for `os/arch` (a pin without the variant covers every variant).
 */
export function pinnedSha256(
  entry: Pick<AssetEntry, 'sha256' | 'sha256ByPlatform'>,
  target: { readonly os: string; readonly arch: string; readonly variant?: string | undefined },
): PlatformPin {
  if (entry.sha256 !== undefined) return { status: 'pinned', sha256: entry.sha256 };
  const pins = entry.sha256ByPlatform;
  if (pins === undefined) return { status: 'unpinned' };
  for (const key of [platformKey(target), `${target.os}/${target.arch}`]) {
    const sha256 = Object.hasOwn(pins, key) ? pins[key] : undefined;
    if (sha256 !== undefined) return { status: 'pinned', sha256 };
  }
  return { status: 'missing', pinnedPlatforms: Object.keys(pins) };
}

/** The sentence for a `missing` pin, when a checksum is required. */
export function missingPinMessage(
  entry: Pick<AssetEntry, 'index' | 'repo'>,
  platform: string,
  pinned: readonly string[],
): string {
  return (
    `entry ${entry.index} (${entry.repo}): sha256 pins ${pinned.join(', ')} but not ${platform}, the platform of this build, ` +
    `and BP_GITHUB_ASSETS_REQUIRE_CHECKSUM=true requires a checksum. Add "${platform}" = "<sha256>" to the sha256 table ` +
    '(npm run pin -- <app dir> writes every platform), or name the release\'s checksums file with checksums = "checksums.txt".'
  );
}
