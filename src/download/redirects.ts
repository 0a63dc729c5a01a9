/**
 * The one redirect and credential policy for API requests and downloads: which hop may carry which
 * credential (decided once, from configuration, never from a URL found in an answer), and which redirects
 * are refused for good rather than retried. requestFollowingRedirects applies it to both.
 */
import type { Dispatcher } from 'undici';
import { BuildpackError } from '../errors.js';
import type { Credential } from './errors.js';
import { headerValue } from './header-value.js';
import { PermanentFailure } from './network-failure.js';
import { stopwatch } from '../log/stopwatch.js';

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

/** One answer of a redirect chain, for the caller's log. */
export interface RedirectHop {
  readonly url: URL;
  readonly status: number;
  /** From sending the request to the answer's headers. */
  readonly ms: number;
  readonly withCredential: boolean;
  /** Where a redirect leads, and whether the credential stops being sent there. */
  readonly redirect?: { readonly to: URL; readonly credentialDropped: boolean } | undefined;
}

/** What is sent on every hop; the credential is added by the policy, never given here. */
export interface HopRequest {
  readonly method: Dispatcher.HttpMethod;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Sends `request` to `start` and follows redirects (at most MAX_REDIRECTS, http(s) only, no loops), for
 * the API client and the downloads alike. The credential goes to its configured origin only, and once a
 * hop has left that origin no later hop carries it, even one that comes back (fetch drops Authorization the
 * same way): a host named in an answer can never lead the credential anywhere. Redirect bodies are
 * discarded; the final answer, whatever its status, is the caller's to read. Network failures are thrown as
 * undici raised them, refused redirects as RedirectRefused.
 */
export async function requestFollowingRedirects(
  dispatcher: Dispatcher,
  start: URL,
  request: HopRequest,
  credential: ScopedCredential | undefined,
  onHop?: (hop: RedirectHop) => void,
): Promise<{ readonly url: URL; readonly response: Dispatcher.ResponseData }> {
  const visited: URL[] = [];
  let url = start;
  let carried = credential;
  for (;;) {
    visited.push(url);
    const authorization = authorizationFor(url, carried);
    if (authorization === undefined) carried = undefined;
    const headers = authorization === undefined ? request.headers : { ...request.headers, authorization };
    const elapsed = stopwatch();
    const response = await dispatcher.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: request.method,
      headers,
      body: request.body ?? null,
      ...(request.signal === undefined ? {} : { signal: request.signal }),
    });
    const hop = {
      url,
      status: response.statusCode,
      ms: elapsed(),
      withCredential: authorization !== undefined,
    };
    if (!REDIRECT_STATUS.has(response.statusCode)) {
      onHop?.(hop);
      return { url, response };
    }
    await response.body.dump();
    const next = redirectTarget(url, headerValue(response.headers, 'location'), visited);
    const credentialDropped = carried !== undefined && authorizationFor(next, carried) === undefined;
    onHop?.({ ...hop, redirect: { to: next, credentialDropped } });
    url = next;
  }
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
