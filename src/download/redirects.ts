/**
 * The one redirect and credential policy for API requests and downloads: which hop may carry which
 * credential (decided once, from configuration, never from a URL found in an answer), and which redirects
 * are refused for good rather than retried.
 */
import { BuildpackError } from '../errors.js';
import type { Credential } from './errors.js';
import { PermanentFailure } from './network-failure.js';

export const MAX_REDIRECTS = 5;
export const REDIRECT_STATUS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** A credential and the one origin it may be sent to. */
export interface ScopedCredential {
  /** The value of the Authorization header. */
  readonly authorization: string;
  /** scheme://host:port, from configuration (BP_GITHUB_API_URL, a mirror binding). */
  readonly origin: string;
}

/** A redirect that no retry can make work: a loop, too many hops, a non-HTTP target, no Location. */
export class RedirectRefused extends PermanentFailure {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** The Authorization header for `url`: only when it is the credential's configured origin, exactly. */
export function authorizationFor(url: URL, credential: ScopedCredential | undefined): string | undefined {
  return credential !== undefined && url.origin === credential.origin ? credential.authorization : undefined;
}

/** A GitHub token, scoped to the configured API origin. */
export function tokenFor(token: Credential | undefined, apiUrl: string): ScopedCredential | undefined {
  if (token === undefined) return undefined;
  checkHeaderValue(token);
  return { authorization: `Bearer ${token.value}`, origin: new URL(apiUrl).origin };
}

/**
 * The next URL of a redirect chain, or a RedirectRefused. `visited` holds the URLs of this chain so far
 * (without their query, which signed URLs change on every hop).
 */
export function redirectTarget(from: URL, location: string | undefined, visited: URL[]): URL {
  if (location === undefined) throw new RedirectRefused('a redirect without a Location');
  let next: URL;
  try {
    next = new URL(location, from);
  } catch {
    throw new RedirectRefused('a redirect to an invalid URL');
  }
  if (next.protocol !== 'https:' && next.protocol !== 'http:') {
    throw new RedirectRefused(
      `a redirect to a ${next.protocol}// URL, refused: only http:// and https:// are followed`,
    );
  }
  if (visited.some((url) => url.href === next.href)) {
    throw new RedirectRefused(`a redirect loop (${next.host}${next.pathname} again)`);
  }
  if (visited.length > MAX_REDIRECTS) throw new RedirectRefused(`more than ${MAX_REDIRECTS} redirects`);
  return next;
}

/**
 * Refuses a credential that cannot be sent in an HTTP header (a line break, a character beyond Latin-1)
 * before any request: fetch would fail with a network-looking error that no retry fixes.
 */
export function checkHeaderValue(credential: Credential): void {
  const bad = /[^\x20-\x7e]/.exec(credential.value);
  if (bad === null) return;
  const char = bad[0];
  const what =
    char === '\n' || char === '\r'
      ? 'a line break'
      : char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f
        ? 'a control character'
        : `the character U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  const where = bad.index === credential.value.length - 1 ? ' at its end' : ` at position ${bad.index + 1}`;
  throw new BuildpackError(
    `The token from ${credential.source} contains ${what}${where}, which cannot be sent in an HTTP header: GitHub tokens are plain ASCII. Set ${credential.source} to the token alone (no trailing newline, no quotes or spaces around it).`,
  );
}
