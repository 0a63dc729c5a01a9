import picomatch from 'picomatch';
import type { ReleaseAsset } from '../github/release.js';
import { entryLabel, type AssetEntry } from '../config/asset-entry.js';
import { FILLED_PLACEHOLDER, hasPlaceholder } from '../config/asset-template.js';
import type { Target } from '../cnb/target.js';
import { expandPlatformPlaceholders } from '../pick/expand-platform-placeholders.js';
import { OS_SPELLINGS, archOfToken, libcOfToken } from '../pick/platform-spellings.js';
import { InstallError } from './errors.js';

/** Values the placeholders of an asset template take for one release and target. */
export interface TemplateValues {
  readonly tag: string;
  readonly target: Target;
  /** The chosen asset's name, for `{asset}` in a checksums template. */
  readonly asset?: string | undefined;
}

/** True when the name is a pattern rather than an exact asset name. */
export function isAssetPattern(pattern: string): boolean {
  return hasWildcard(pattern) || hasPlaceholder(pattern);
}

/** True when the name holds glob wildcards, so only a release's asset list can tell what it names. */
export function hasWildcard(pattern: string): boolean {
  return /[*?]/.test(pattern);
}

/**
 * Expands placeholders to the one spelling used when no asset list is at hand (a mirror): the tag, the
 * version without its leading `v`, and the first (CNB) spelling of os, arch and libc. Undefined for a glob.
 */
export function expandAssetName(pattern: string, values: TemplateValues): string | undefined {
  if (hasWildcard(pattern)) return undefined;
  const [filled = pattern] = expandPlatformPlaceholders(pattern, values.target);
  return filled.replace(FILLED_PLACEHOLDER, (_, key: string) => placeholderSpellings(key, values)[0] ?? '');
}

/**
 * Picks the one asset of a release that an entry's `asset` names. Exact names match exactly; templates and
 * globs match any spelling of os/arch/libc, case-insensitively, trying the spellings in order and taking the
 * first that matches (a release with both `arm64` and `aarch64` builds gets its `arm64` one). None, or
 * several for the same spelling, is an error that lists the candidates: guessing would put the wrong binary
 * into an image.
 */
export function selectAsset(
  entry: Pick<AssetEntry, 'index' | 'repo' | 'asset'>,
  field: string,
  pattern: string,
  assets: readonly ReleaseAsset[],
  values: TemplateValues,
): ReleaseAsset {
  const where = `${entryLabel(entry.index, entry.repo)}, ${field} "${pattern}", release ${values.tag}`;
  if (!isAssetPattern(pattern)) {
    const exact = assets.find((asset) => asset.name === pattern);
    if (exact !== undefined) return exact;
    throw new InstallError(
      `${where}: the release has no asset of that name. It has: ${listNames(assets)}. Write one of these names, or a template such as "tool_{version}_{os}_{arch}.tar.gz".`,
    );
  }
  const matches = matchingAssets(pattern, assets, values);
  if (matches.length === 1 && matches[0] !== undefined) return matches[0];
  if (matches.length === 0) {
    throw new InstallError(
      `${where}: no asset matches for ${values.target.os}/${values.target.arch}. The release has: ${listNames(assets)}. Adjust the pattern so it matches exactly one of them.`,
    );
  }
  throw new InstallError(
    `${where}: ${matches.length} assets match (${listNames(matches)}), but exactly one must. Make the pattern more specific, for example by writing the archive extension.`,
  );
}

/** The assets the first matching filling of the template's platform placeholders names. */
function matchingAssets(
  pattern: string,
  assets: readonly ReleaseAsset[],
  values: TemplateValues,
): ReleaseAsset[] {
  const osSpellings = pattern.includes('{os}') ? templateOsSpellings(values.target.os) : [values.target.os];
  for (const os of osSpellings) {
    for (const filled of expandPlatformPlaceholders(pattern, values.target)) {
      const matches = assetsMatching(filled.replaceAll('{os}', os), assets, values);
      if (matches.length > 0) return matches;
    }
  }
  return [];
}

function assetsMatching(
  pattern: string,
  assets: readonly ReleaseAsset[],
  values: TemplateValues,
): ReleaseAsset[] {
  const glob = pattern
    .split(FILLED_PLACEHOLDER)
    .map((part, i) =>
      // split() with a capture group alternates literal text (even) and placeholder names (odd).
      i % 2 === 1
        ? `@(${placeholderSpellings(part, values).map(escapeGlob).join('|')})`
        : escapeGlobExceptWildcards(part),
    )
    .join('');
  const isMatch = picomatch(glob, { nocase: true, dot: true });
  const matches = assets.filter((asset) => isMatch(asset.name));
  // A loose pattern often also catches the signature or checksum published beside the archive.
  const payloads = matches.filter((asset) => !SIDECAR.test(asset.name));
  return payloads.length > 0 ? payloads : matches;
}

/**
 * The spellings `{os}` stands for, the CNB name first; those that also say an architecture (`linux64`) or a
 * libc (`musllinux`) are left to `{arch}` and `{libc}`.
 */
function templateOsSpellings(os: string): readonly string[] {
  const spellings = OS_SPELLINGS[os] ?? [os];
  return [
    os,
    ...spellings.filter(
      (spelling) =>
        spelling !== os && archOfToken(spelling) === undefined && libcOfToken(spelling) === undefined,
    ),
  ];
}

const SIDECAR =
  /\.(sha256|sha512|sha256sum|sha512sum|md5|sig|asc|pem|cert|crt|sbom|spdx|intoto\.jsonl|bundle)(\.json)?$/i;

function placeholderSpellings(key: string, values: TemplateValues): readonly string[] {
  switch (key) {
    case 'tag':
      return [values.tag];
    case 'version':
      return [values.tag.replace(/^v(?=\d)/, '')];
    case 'os':
      return [values.target.os];
    case 'asset':
      return values.asset === undefined ? [] : [values.asset];
    default:
      return [];
  }
}

function escapeGlob(text: string): string {
  return text.replace(/[\\*?[\]{}()!+@|]/g, '\\$&');
}

function escapeGlobExceptWildcards(text: string): string {
  return text.replace(/[\\[\]{}()!+@|]/g, '\\$&');
}

function listNames(assets: readonly ReleaseAsset[]): string {
  if (assets.length === 0) return '(no assets)';
  const names = assets.slice(0, 30).map((asset) => asset.name);
  return names.join(', ') + (assets.length > 30 ? `, and ${assets.length - 30} more` : '');
}
