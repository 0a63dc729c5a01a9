/**
 * The errors of release look-ups that callers tell apart: the release is missing (with the tags that do
 * exist), the repository is missing or hidden, the token was rejected, or the API failed otherwise.
 */
import { accessAdvice, type Credential } from '../download/errors.js';
import { BuildpackError } from '../errors.js';

export interface GitHubApiErrorDetails {
  /** "GET /repos/{owner}/{repo}/releases/latest" with the placeholders filled in; no query. */
  readonly request: string;
  readonly status: number | undefined;
  /** What failed when no answer came, in words ("could not resolve host api.example.com (ENOTFOUND)"). */
  readonly network?: string | undefined;
  readonly attempts: number;
  /** GitHub's own message, or what was wrong with the answer. */
  readonly reason: string | undefined;
  /** What to do; by default, advice that fits the status. */
  readonly advice?: string | undefined;
  readonly apiUrl: string;
}

/** A GitHub API request failed for a reason that has no more specific error (5xx after retries, network). */
export class GitHubApiError extends BuildpackError {
  override name = 'GitHubApiError';
  readonly status: number | undefined;

  constructor(details: GitHubApiErrorDetails, options?: { cause?: unknown }) {
    const what =
      details.status !== undefined
        ? `HTTP ${details.status}${details.reason === undefined ? '' : ` (${details.reason})`}`
        : (details.network ?? details.reason ?? 'network error');
    const tries = `${details.attempts} attempt${details.attempts === 1 ? '' : 's'}`;
    const advice =
      details.advice ??
      (details.status === undefined && details.network !== undefined
        ? `Check that the build can reach ${details.apiUrl} (HTTPS_PROXY / NO_PROXY if it goes through a proxy).`
        : details.status !== undefined && details.status >= 500
          ? 'GitHub may be having trouble: see https://www.githubstatus.com and retry the build.'
          : undefined);
    super(
      `GitHub API request ${details.request} failed: ${what}, after ${tries}.${advice === undefined ? '' : ` ${advice}`}`,
      options,
    );
    this.status = details.status;
  }
}

/** GitHub answered 401: the token is expired, revoked or mistyped. */
export class TokenRejectedError extends BuildpackError {
  override name = 'TokenRejectedError';

  constructor(token: Credential, what: string, reason: string, options?: { cause?: unknown }) {
    super(
      accessAdvice(401, token, { kind: 'repository', rejection: ` (401 ${reason}) while ${what}` }) ?? '',
      options,
    );
  }
}

/** The repository does not exist, or the request (with or without a token) cannot see it. */
export class RepoNotFoundError extends BuildpackError {
  override name = 'RepoNotFoundError';

  constructor(owner: string, repo: string, token: Credential | undefined, options?: { cause?: unknown }) {
    const slug = `${owner}/${repo}`;
    const why = token === undefined ? 'it is private' : `the token from ${token.source} cannot see it`;
    super(
      `Repository ${slug} was not found, or ${why}. ${accessAdvice(404, token, { kind: 'repository', repo: slug })}`,
      options,
    );
  }
}

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
  readonly recentTags: readonly string[];

  constructor(details: ReleaseNotFoundDetails, options?: { cause?: unknown }) {
    super(releaseNotFoundMessage(details), options);
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
