import { BuildpackError } from '../errors.js';

export interface GitHubApiErrorDetails {
  /** "GET /repos/{owner}/{repo}/releases/latest" with the placeholders filled in; no query. */
  readonly request: string;
  readonly status: number | undefined;
  /** Network error code (ECONNREFUSED, UND_ERR_HEADERS_TIMEOUT, ...) when no answer came. */
  readonly code: string | undefined;
  readonly attempts: number;
  /** GitHub's own message, when it gave one. */
  readonly reason: string | undefined;
  readonly apiUrl: string;
}

/** A GitHub API request failed for a reason that has no more specific error (5xx after retries, network). */
export class GitHubApiError extends BuildpackError {
  override name = 'GitHubApiError';
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly attempts: number;

  constructor(details: GitHubApiErrorDetails, options?: { cause?: unknown }) {
    const what =
      details.status !== undefined
        ? `HTTP ${details.status}${details.reason === undefined ? '' : ` (${details.reason})`}`
        : (details.code ?? details.reason ?? 'network error');
    const tries = `${details.attempts} attempt${details.attempts === 1 ? '' : 's'}`;
    const advice =
      details.status === undefined
        ? ` Check that the build can reach ${details.apiUrl} (HTTPS_PROXY / NO_PROXY if it goes through a proxy).`
        : details.status >= 500
          ? ' GitHub may be having trouble: see https://www.githubstatus.com and retry the build.'
          : '';
    super(`GitHub API request ${details.request} failed: ${what}, after ${tries}.${advice}`, options);
    this.status = details.status;
    this.code = details.code;
    this.attempts = details.attempts;
  }
}
