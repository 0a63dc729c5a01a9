import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay, classifyFailure, type AttemptFailure } from '../../src/download/retry-policy.js';

const headers =
  (values: Record<string, string>): AttemptFailure['header'] =>
  (name) =>
    values[name];

describe('classifyFailure', () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);

  it.each([408, 429, 500, 502, 503, 504])('backs off on %i', (status) => {
    expect(classifyFailure({ status }, now)).toEqual({ action: 'backoff' });
  });

  it.each([400, 401, 403, 404, 410, 422])('fails at once on %i', (status) => {
    expect(classifyFailure({ status }, now)).toEqual({ action: 'fail' });
  });

  it('backs off on network errors and fails on unknown ones', () => {
    expect(classifyFailure({ code: 'ECONNRESET' }, now)).toEqual({ action: 'backoff' });
    expect(classifyFailure({}, now)).toEqual({ action: 'fail' });
  });

  it('waits until x-ratelimit-reset on an exhausted primary limit', () => {
    const reset = now / 1000 + 12;
    const decision = classifyFailure(
      { status: 403, header: headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) }) },
      now,
    );
    expect(decision.action).toBe('wait');
    if (decision.action === 'wait') {
      expect(decision.resetAt.getTime() - now).toBeGreaterThanOrEqual(12_000);
      expect(decision.resetAt.getTime() - now).toBeLessThan(13_000);
      expect(decision.secondary).toBe(false);
    }
  });

  it('waits retry-after seconds on a secondary limit, 403 or 429', () => {
    for (const status of [403, 429]) {
      const decision = classifyFailure({ status, header: headers({ 'retry-after': '7' }) }, now);
      expect(decision).toEqual({ action: 'wait', resetAt: new Date(now + 7000), secondary: true });
    }
  });

  it('waits a minute on a secondary limit named only in the message', () => {
    const decision = classifyFailure(
      { status: 403, message: 'You have exceeded a secondary rate limit.' },
      now,
    );
    expect(decision).toEqual({ action: 'wait', resetAt: new Date(now + 60_000), secondary: true });
  });

  it('lets callers override retryability of non-rate-limit failures', () => {
    expect(classifyFailure({ status: 503, retryable: false }, now)).toEqual({ action: 'fail' });
    expect(classifyFailure({ code: 'TRUNCATED', retryable: true }, now)).toEqual({ action: 'backoff' });
  });
});

describe('backoffDelay', () => {
  it('grows exponentially with jitter within [d/2, d], capped at 30 s', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (retry, base, random) => {
          const full = Math.min(base * 2 ** (retry - 1), 30_000);
          const delay = backoffDelay(retry, base, () => random);
          expect(delay).toBeGreaterThanOrEqual(Math.floor(full / 2));
          expect(delay).toBeLessThanOrEqual(Math.ceil(full));
        },
      ),
    );
  });
});
