import { BuildpackError } from '../errors.js';

/** A release that GitHub knows about, as listed in "did you mean" hints. */
export interface ReleaseHint {
  readonly tag: string;
  readonly prerelease: boolean;
  readonly draft: boolean;
}

export interface ReleaseNotFoundDetails {
  readonly owner: string;
  readonly repo: string;
  /** undefined when the latest release was asked for. */
  readonly tag: string | undefined;
  /** Most recent releases, newest first (at most 10 are shown). */
  readonly recent: readonly ReleaseHint[];
  /** A tag that differs from the requested one only by a leading `v`. */
  readonly vPrefixMatch?: string | undefined;
}

/** The repository exists but has no release with that tag (or no published release for "latest"). */
export class ReleaseNotFoundError extends BuildpackError {
  override name = 'ReleaseNotFoundError';
  readonly owner: string;
  readonly repo: string;
  readonly tag: string | undefined;
  readonly recentTags: readonly string[];

  constructor(details: ReleaseNotFoundDetails, options?: { cause?: unknown }) {
    super(releaseNotFoundMessage(details), options);
    this.owner = details.owner;
    this.repo = details.repo;
    this.tag = details.tag;
    this.recentTags = details.recent.map((release) => release.tag);
  }
}

function releaseNotFoundMessage({ owner, repo, tag, recent, vPrefixMatch }: ReleaseNotFoundDetails): string {
  const shown = recent.slice(0, 10);
  const list = shown
    .map(
      (release) => `${release.tag}${release.draft ? ' (draft)' : release.prerelease ? ' (prerelease)' : ''}`,
    )
    .join(', ');
  const more = recent.length > shown.length ? ', ...' : '';
  const usable = recent.find((release) => !release.draft);
  if (tag === undefined) {
    if (usable === undefined) {
      return `${owner}/${repo} has no published (non-prerelease) release, so there is no latest release to install: publish one, or set tag = "..." in its entry to a release that exists.`;
    }
    return `${owner}/${repo} has no published (non-prerelease) release, so there is no latest release to install. Recent releases: ${list}${more}. Set tag = "${usable.tag}" (or another of them) in its entry.`;
  }
  if (vPrefixMatch !== undefined) {
    return `Release "${tag}" was not found in ${owner}/${repo}, but "${vPrefixMatch}" exists: did you mean tag = "${vPrefixMatch}"? (The leading "v" is part of the tag.) Recent releases: ${list}${more}.`;
  }
  if (recent.length === 0) {
    return `Release "${tag}" was not found in ${owner}/${repo}, which has no releases at all.`;
  }
  return `Release "${tag}" was not found in ${owner}/${repo}. Recent releases: ${list}${more}. Set tag = "..." to one of them, or leave tag out for the latest.`;
}
