/**
 * The one retry policy for GitHub API requests and asset downloads: classify a failed attempt (retry after
 * backoff, wait for a rate limit, or fail), and the loop that applies it.
 *
 * The loop is hand-written rather than p-retry: p-retry computes every delay from the attempt count, while
 * rate limits dictate their own wait (x-ratelimit-reset, retry-after) that must not eat the attempt budget
 * of flaky-network retries; bending p-retry to that (waiting inside onFailedAttempt, shouldConsumeRetry)
 * was longer and less clear than this loop.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../log/logger.js';
import { RateLimitError } from './errors.js';

export interface RetryOptions {
  /** Total attempts, the first included (default 4). */
  readonly attempts: number;
  /** First backoff delay; it doubles each retry, with jitter (default 500). */
  readonly baseDelayMs: number;
  /** Longest a rate limit is waited out, in total (default 60 000; BP_GITHUB_ASSETS_MAX_WAIT). */
  readonly maxWaitMs: number;
  readonly connectTimeoutMs: number;
  /** Longest wait for the response headers, and between two body chunks. */
  readonly readTimeoutMs: number;
}

export const defaultRetryOptions: RetryOptions = {
  attempts: 4,
  baseDelayMs: 500,
  maxWaitMs: 60_000,
  connectTimeoutMs: 10_000,
  readTimeoutMs: 30_000,
};

/** A failed attempt as the policy sees it. */
export interface AttemptFailure {
  /** HTTP status, when an answer came. */
  readonly status?: number | undefined;
  /** Response header lookup (lower-case names). */
  readonly header?: ((name: string) => string | undefined) | undefined;
  /** Network error code, when no (complete) answer came. */
  readonly code?: string | undefined;
  /** GitHub's message, used to spot secondary rate limits that come without retry-after. */
  readonly message?: string | undefined;
  /** Set by callers that know better than the status (truncated body: true; a consumer's own error: false). */
  readonly retryable?: boolean | undefined;
}

export type RetryDecision =
  | { readonly action: 'fail' }
  | { readonly action: 'backoff' }
  | { readonly action: 'wait'; readonly resetAt: Date; readonly secondary: boolean };

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);
/** GitHub asks for at least a minute after a secondary limit that names no retry-after. */
const SECONDARY_LIMIT_DEFAULT_MS = 60_000;
/** Margin after x-ratelimit-reset, which has a one-second resolution. */
const RESET_MARGIN_MS = 250;
const MAX_BACKOFF_MS = 30_000;

/** Decides what to do about one failed attempt. */
export function classifyFailure(failure: AttemptFailure, now = Date.now()): RetryDecision {
  const { status } = failure;
  if (status === 403 || status === 429) {
    const retryAfter = failure.header?.('retry-after');
    if (retryAfter !== undefined && retryAfter.trim() !== '') {
      const seconds = Number(retryAfter);
      const at = Number.isFinite(seconds) ? now + seconds * 1000 : Date.parse(retryAfter);
      if (Number.isFinite(at))
        return { action: 'wait', resetAt: new Date(Math.max(at, now)), secondary: true };
    }
    if (failure.header?.('x-ratelimit-remaining') === '0') {
      const reset = Number(failure.header('x-ratelimit-reset'));
      const at = Number.isFinite(reset) && reset > 0 ? reset * 1000 + RESET_MARGIN_MS : now + 60_000;
      return { action: 'wait', resetAt: new Date(Math.max(at, now)), secondary: false };
    }
    if (/secondary rate limit/i.test(failure.message ?? '')) {
      return { action: 'wait', resetAt: new Date(now + SECONDARY_LIMIT_DEFAULT_MS), secondary: true };
    }
  }
  if (failure.retryable !== undefined) return { action: failure.retryable ? 'backoff' : 'fail' };
  if (status !== undefined)
    return RETRYABLE_STATUS.has(status) || status > 500 ? { action: 'backoff' } : { action: 'fail' };
  // No answer at all: connection refused/reset, DNS, timeouts. Worth another try.
  return failure.code !== undefined ? { action: 'backoff' } : { action: 'fail' };
}

/** Exponential backoff with "equal jitter": half the delay fixed, half random, so a fleet spreads out. */
export function backoffDelay(retry: number, baseDelayMs: number, random: () => number = Math.random): number {
  const delay = Math.min(baseDelayMs * 2 ** Math.max(retry - 1, 0), MAX_BACKOFF_MS);
  return Math.round(delay / 2 + (random() * delay) / 2);
}

/** A short description of a failure for log lines and messages: "HTTP 503", "ECONNRESET". */
export function describeFailure(failure: AttemptFailure): string {
  if (failure.status !== undefined) return `HTTP ${failure.status}`;
  return failure.code ?? 'error';
}

export interface RetryLoopOptions {
  readonly retry: RetryOptions;
  readonly logger: Logger;
  /** For log lines and RateLimitError: "resolving o/r", "downloading x from o/r v1". */
  readonly what: string;
  readonly authenticated: boolean;
  readonly toFailure: (error: unknown) => AttemptFailure;
  /** Builds the error thrown when the policy gives up (not for rate limits beyond the cap). */
  readonly fail: (error: unknown, attempts: number) => Error;
  readonly onRetry?: ((attempt: number, error: unknown) => void) | undefined;
}

/**
 * Runs `operation` until it succeeds or the policy gives up. Backoff retries are bounded by `attempts`;
 * rate-limit waits are not counted as attempts but their total is bounded by `maxWaitMs`.
 */
export async function withRetries<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryLoopOptions,
): Promise<T> {
  const { retry, logger } = options;
  let attempt = 0;
  let failures = 0;
  let waited = 0;
  for (;;) {
    attempt += 1;
    try {
      return await operation(attempt);
    } catch (error) {
      const failure = options.toFailure(error);
      const decision = classifyFailure(failure);
      if (decision.action === 'fail') throw options.fail(error, attempt);
      if (decision.action === 'wait') {
        const waitMs = Math.max(decision.resetAt.getTime() - Date.now(), 0);
        if (waited + waitMs > retry.maxWaitMs || attempt >= retry.attempts * 2) {
          throw new RateLimitError(
            {
              what: options.what,
              resetAt: decision.resetAt,
              secondary: decision.secondary,
              maxWaitMs: retry.maxWaitMs,
              authenticated: options.authenticated,
            },
            { cause: error },
          );
        }
        waited += waitMs;
        logger.process(
          `GitHub ${decision.secondary ? 'secondary ' : ''}rate limit reached; waiting ${Math.ceil(waitMs / 1000)} s until ${utcTime(decision.resetAt)} UTC`,
        );
        options.onRetry?.(attempt, error);
        await sleep(waitMs);
        continue;
      }
      failures += 1;
      if (failures >= retry.attempts) throw options.fail(error, attempt);
      const delay = backoffDelay(failures, retry.baseDelayMs);
      logger.detail(
        `${options.what}: ${describeFailure(failure)}; retrying in ${(delay / 1000).toFixed(1)} s (attempt ${failures + 1} of ${retry.attempts})`,
      );
      options.onRetry?.(attempt, error);
      await sleep(delay);
    }
  }
}

function utcTime(date: Date): string {
  return date.toISOString().slice(11, 19);
}
