import { BuildpackError } from '../errors.js';

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
  readonly resetAt: Date;
  readonly secondary: boolean;
  readonly authenticated: boolean;

  constructor(details: RateLimitDetails, options?: { cause?: unknown }) {
    super(rateLimitMessage(details), options);
    this.resetAt = details.resetAt;
    this.secondary = details.secondary;
    this.authenticated = details.authenticated;
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
