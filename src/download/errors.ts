/**
 * The errors of HTTP requests that callers tell apart: a download that failed, and a rate limit that resets
 * later than the build is willing to wait (raised by the one retry policy, for API look-ups and downloads
 * alike). The advice for 401/403/404 answers lives here too, so API and download messages say the same.
 */
import { BuildpackError } from '../errors.js';

/** A credential and where it came from; messages name the source, never the value. */
export interface Credential {
  readonly value: string;
  /** "MY_TOKEN", "GITHUB_TOKEN", "service binding github". */
  readonly source: string;
}

export interface DownloadErrorDetails {
  /** "grpc_health_probe-linux-amd64 from grpc-ecosystem/grpc-health-probe v0.4.24" */
  readonly label: string;
  /** The URL without its query. */
  readonly url: string;
  readonly status?: number | undefined;
  readonly code?: string | undefined;
  readonly attempts: number;
  /** What went wrong, in words, when status and code do not say it. */
  readonly reason?: string | undefined;
  /** What to do about it. */
  readonly advice?: string | undefined;
}

/** An asset could not be downloaded. The message never holds a token or a signed URL's query. */
export class DownloadError extends BuildpackError {
  override name = 'DownloadError';
  readonly label: string;
  readonly url: string;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly attempts: number;

  constructor(details: DownloadErrorDetails, options?: { cause?: unknown }) {
    const what = [
      details.status === undefined ? undefined : `HTTP ${details.status}`,
      details.code,
      details.reason,
    ]
      .filter((part) => part !== undefined)
      .join(', ');
    const tries = `${details.attempts} attempt${details.attempts === 1 ? '' : 's'}`;
    super(
      `Could not download ${details.label} from ${details.url}: ${what || 'failed'} (after ${tries}).${details.advice === undefined ? '' : ` ${details.advice}`}`,
      options,
    );
    this.label = details.label;
    this.url = details.url;
    this.status = details.status;
    this.code = details.code;
    this.attempts = details.attempts;
  }
}

export interface RateLimitDetails {
  /** What was being done: "resolving grpc-ecosystem/grpc-health-probe", "downloading jq-linux64 from ...". */
  readonly what: string;
  /** When GitHub lets requests through again. */
  readonly resetAt: Date;
  /** True when the limit came from `retry-after` or a secondary-limit message rather than the hourly budget. */
  readonly secondary: boolean;
  /** The wait cap that the reset lies beyond. */
  readonly maxWaitMs: number;
  /** Whether the requests carried a token (the advice differs). */
  readonly authenticated: boolean;
}

/** GitHub's rate limit is exhausted and resets later than the buildpack is willing to wait. */
export class RateLimitError extends BuildpackError {
  override name = 'RateLimitError';
  constructor(details: RateLimitDetails, options?: { cause?: unknown }) {
    super(rateLimitMessage(details), options);
  }
}

function rateLimitMessage(details: RateLimitDetails, now = Date.now()): string {
  const minutes = Math.max(Math.ceil((details.resetAt.getTime() - now) / 60_000), 1);
  const iso = details.resetAt.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const kind = details.secondary ? 'secondary rate limit' : 'rate limit';
  const cap = `${Math.round(details.maxWaitMs / 1000)} s`;
  const advice = details.authenticated
    ? 'The token in use has exhausted its own budget (5,000 requests an hour; 1,000 for an Actions GITHUB_TOKEN): retry later, or raise BP_GITHUB_ASSETS_MAX_WAIT to wait it out.'
    : 'Unauthenticated requests share 60 an hour per IP address (a whole CI fleet behind one NAT shares them): set GITHUB_TOKEN (or token_env) to a token to raise the limit to 5,000 an hour, or raise BP_GITHUB_ASSETS_MAX_WAIT to wait it out.';
  return `GitHub ${kind} reached while ${details.what}; it resets at ${iso} (in about ${minutes} min), later than the wait cap of ${cap}. ${advice}`;
}

/** What a token needs to read a repository's releases. */
const READ_SCOPE = 'fine-grained: Contents: read; classic: repo scope';

export interface AccessSubject {
  readonly kind: 'repository' | 'asset';
  /** "owner/repo", when known. */
  readonly repo?: string | undefined;
  /** Said after "was rejected" for a 401: " (401 Bad credentials) while resolving owner/repo". */
  readonly rejection?: string | undefined;
}

/**
 * What to do about a 401, 403 or 404 answer, for an API look-up or a download. The one place this advice is
 * written, so that both say the same.
 */
export function accessAdvice(
  status: number,
  token: Credential | undefined,
  subject: AccessSubject,
): string | undefined {
  if (status === 401) {
    return token === undefined
      ? 'The host asks for credentials: set token_env (or GITHUB_TOKEN) for this entry.'
      : `The token from ${token.source} was rejected${subject.rejection ?? ''}: it is expired, revoked or mistyped. Renew it, or unset ${token.source} if the repository is public.`;
  }
  if (status === 404) {
    const gone = subject.kind === 'asset' ? 'The asset is gone' : `Check the name`;
    if (token === undefined) {
      return `${gone}, or the repository is private: set token_env = "..." in its entry (or GITHUB_TOKEN) to a token that can read it (${READ_SCOPE}).`;
    }
    const repo = subject.repo ?? 'the repository';
    return `${gone}, or the token from ${token.source} cannot read ${repo}: give that token access to it (${READ_SCOPE}; for an organisation, SSO authorisation too).`;
  }
  if (status === 403) return 'Access was refused; check that the token may read the repository.';
  return undefined;
}
