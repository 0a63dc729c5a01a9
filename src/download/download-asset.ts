import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import type { Dispatcher } from 'undici';
import { BuildpackError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { ERROR_BODY_CAP, readCapped } from './bounded-read.js';
import { accessAdvice, DownloadError, type Credential } from './errors.js';
import { headerValue, type HeaderRecord } from './header-value.js';
import { createDispatcher, displayUrl } from './http-dispatcher.js';
import {
  describeNetworkFailure,
  networkAttemptFailure,
  networkErrorCode,
  PermanentFailure,
} from './network-failure.js';
import { RedirectRefused, requestFollowingRedirects, tokenFor, type ScopedCredential } from './redirects.js';
import { withRetries, type AttemptFailure, type RetryOptions } from './retry-policy.js';
import { stopwatch } from '../log/stopwatch.js';

export interface DownloadRequest {
  /** API asset URL, browser_download_url, or a mirror's https:// or file:// URL (which may hold user:password). */
  readonly url: string;
  /** Sent only to the configured API origin (DownloadOptions.apiUrl), whatever `url` says. */
  readonly token: Credential | undefined;
  /** The size the release announced: a body that runs past it is refused. */
  readonly expectedSize?: number | undefined;
  /** For messages: "grpc_health_probe-linux-amd64 from grpc-ecosystem/grpc-health-probe v0.4.24". */
  readonly label: string;
}

export interface DownloadResult<T> {
  readonly value: T;
  /** Lower-case hex sha256 of every byte of the body. */
  readonly sha256: string;
  readonly bytes: number;
}

export interface DownloadOptions {
  readonly retry: RetryOptions;
  readonly logger: Logger;
  /** Called before each new attempt with the number of the attempt that failed and its error. */
  readonly onRetry?: ((attempt: number, error: unknown) => void) | undefined;
  readonly userAgent?: string | undefined;
  /** A connection pool shared with other requests of the build; by default each download has its own. */
  readonly dispatcher?: Dispatcher | undefined;
  /** The configured API URL (BP_GITHUB_API_URL): its origin is the only one the token is sent to. */
  readonly apiUrl?: string | undefined;
  /**
   * The slowest average speed accepted, in bytes per second: a download of N bytes must finish within the
   * read timeout plus N / minBytesPerSecond, so a body trickling a byte every few seconds fails.
   */
  readonly minBytesPerSecond?: number | undefined;
}

const DEFAULT_USER_AGENT = 'github-release-assets-buildpack';
export const DEFAULT_API_URL = 'https://api.github.com';
/** 32 KiB/s: a 100 MB asset may take 50 minutes, far slower than any working link. */
export const DEFAULT_MIN_BYTES_PER_SECOND = 32 * 1024;

/**
 * GETs the asset (Accept: application/octet-stream), follows redirects itself (at most 5, http(s) only, no
 * loops), sending the token only to the configured API origin and a mirror's user:password only to that
 * mirror, and hands the body to `consume` as a Readable that hashes sha256 as it flows. `consume` is called
 * afresh on every attempt. A retryable failure (network error, timeout, body shorter than announced, 5xx,
 * 408, 429, a rate limit within the wait cap) starts again from the original URL, since signed storage URLs
 * expire; other 4xx, certificate and DNS errors, refused redirects and over-long bodies fail at once.
 */
export async function downloadAsset<T>(
  request: DownloadRequest,
  consume: (body: Readable) => Promise<T>,
  options: DownloadOptions,
): Promise<DownloadResult<T>> {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch (error) {
    throw new DownloadError(
      { label: request.label, url: '(invalid URL)', attempts: 0, reason: 'the URL is not valid' },
      { cause: error },
    );
  }
  if (url.protocol === 'file:') return readLocalFile(url, request, consume, options.logger);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new DownloadError({
      label: request.label,
      url: displayUrl(url),
      attempts: 0,
      reason: `unsupported URL scheme ${url.protocol}`,
      advice: 'Use an https://, http:// or file:// URL.',
    });
  }
  const credentials = scopeCredentials(url, request.token, options.apiUrl ?? DEFAULT_API_URL);
  url = credentials.url;

  const dispatcher = options.dispatcher ?? createDispatcher(options.retry);
  try {
    return await withRetries(
      (attempt) =>
        attemptDownload(url, credentials.credential, request, consume, options, dispatcher, attempt),
      {
        retry: options.retry,
        logger: options.logger,
        what: `downloading ${request.label}`,
        authenticated: request.token !== undefined,
        toFailure,
        fail: (error, attempts) => downloadError(error, attempts, request, url),
        onRetry: options.onRetry,
      },
    );
  } finally {
    if (options.dispatcher === undefined) await dispatcher.destroy().catch(() => undefined);
  }
}

/**
 * The credential of this download and the URL without user:password. A mirror URL's own user:password
 * belongs to the mirror's origin (it came from configuration); the token belongs to the API origin.
 */
function scopeCredentials(
  url: URL,
  token: Credential | undefined,
  apiUrl: string,
): { url: URL; credential: ScopedCredential | undefined } {
  if (url.username === '' && url.password === '') return { url, credential: tokenFor(token, apiUrl) };
  const basic = Buffer.from(
    `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`,
  ).toString('base64');
  const bare = new URL(url);
  bare.username = '';
  bare.password = '';
  return { url: bare, credential: { authorization: `Basic ${basic}`, origin: bare.origin } };
}

/** An HTTP answer that was not the asset; carries what the policy and the message need. */
class HttpStatusFailure extends Error {
  constructor(
    readonly status: number,
    readonly headers: HeaderRecord,
    readonly url: string,
    readonly reason: string | undefined,
  ) {
    super(`HTTP ${status} from ${url}${reason === undefined ? '' : `: ${reason}`}`);
  }
}

/** The body ended before Content-Length (or the expected size) was reached, or ran past the expected size. */
class BodySizeFailure extends Error {
  constructor(
    readonly received: number,
    readonly expected: number,
    readonly retryable: boolean,
  ) {
    super(`received ${received} bytes, expected ${expected}`);
  }
}

/** The whole download took longer than its size allows at the slowest accepted speed. */
class DeadlineFailure extends PermanentFailure {
  constructor(
    readonly seconds: number,
    readonly size: number,
    readonly speed: number,
  ) {
    super(`no complete body after ${seconds} s`);
  }
}

/** `consume` failed on its own (not because the body broke): not a network problem, not retried. */
class ConsumeFailure extends PermanentFailure {
  constructor(readonly error: unknown) {
    super(error instanceof Error ? error.message : String(error), { cause: error });
  }
}

async function attemptDownload<T>(
  start: URL,
  credential: ScopedCredential | undefined,
  request: DownloadRequest,
  consume: (body: Readable) => Promise<T>,
  options: DownloadOptions,
  dispatcher: Dispatcher,
  attempt: number,
): Promise<DownloadResult<T>> {
  const { logger } = options;
  const elapsed = stopwatch();
  const { url, response } = await requestFollowingRedirects(
    dispatcher,
    start,
    {
      method: 'GET',
      headers: { accept: 'application/octet-stream', 'user-agent': options.userAgent ?? DEFAULT_USER_AGENT },
    },
    // Storage hosts reject the token, and no other host may see it.
    credential,
    (hop) => {
      logger.debug(
        `GET ${displayUrl(hop.url)} answered ${hop.status} in ${hop.ms} ms (attempt ${attempt}${hop.withCredential ? ', with credentials' : ''}).`,
      );
      if (hop.redirect === undefined) return;
      logger.debug(
        `The answer is a redirect to ${hop.redirect.to.host}${hop.redirect.credentialDropped ? ' (Authorization dropped: credentials go only to the origin they were configured for)' : ''}.`,
      );
    },
  );
  if (response.statusCode !== 200) {
    const reason = await errorReason(response.body);
    throw new HttpStatusFailure(response.statusCode, response.headers, displayUrl(url), reason);
  }
  const announced = Number(headerValue(response.headers, 'content-length'));
  const size = request.expectedSize ?? (Number.isFinite(announced) ? announced : undefined);
  const result = await withDeadline(response.body, size, options, (body) =>
    hashAndConsume(body, consume, Number.isFinite(announced) ? announced : undefined, request.expectedSize),
  );
  logger.debug(`Downloaded ${result.bytes} bytes from ${displayUrl(url)} in ${elapsed()} ms.`);
  return result;
}

/**
 * Runs `work` on `body` with an overall deadline that scales with the size (the read timeout applies to
 * each gap between chunks only): past it, the body is destroyed with a DeadlineFailure.
 */
async function withDeadline<R>(
  body: Readable,
  size: number | undefined,
  options: DownloadOptions,
  work: (body: Readable) => Promise<R>,
): Promise<R> {
  if (size === undefined) return work(body);
  const speed = options.minBytesPerSecond ?? DEFAULT_MIN_BYTES_PER_SECOND;
  const ms = options.retry.readTimeoutMs + Math.ceil((size / speed) * 1000);
  const timer = setTimeout(() => body.destroy(new DeadlineFailure(Math.round(ms / 1000), size, speed)), ms);
  try {
    return await work(body);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Pipes `source` through a sha256 tap into `consume`, and checks the byte count. A failure of the source
 * surfaces as itself (retryable), a failure of `consume` alone as ConsumeFailure (not retried).
 */
async function hashAndConsume<T>(
  source: Readable,
  consume: (body: Readable) => Promise<T>,
  announced: number | undefined,
  expectedSize: number | undefined,
): Promise<DownloadResult<T>> {
  const hash = createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      // Past the size the release announced, the rest is not read at all.
      if (expectedSize !== undefined && bytes > expectedSize) {
        source.destroy(new BodySizeFailure(bytes, expectedSize, false));
        callback();
        return;
      }
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  // Errors reach `consume` through its own listeners; this one only keeps an unheard error from crashing.
  tap.on('error', () => undefined);
  let sourceError: unknown;
  source.on('error', (error) => {
    sourceError = error;
    tap.destroy(error);
  });
  source.pipe(tap);

  let value: T;
  try {
    value = await consume(tap);
  } catch (error) {
    source.destroy();
    throw sourceError ?? new ConsumeFailure(error);
  }
  // The hash covers the whole body even when `consume` stopped reading early.
  if (!tap.readableEnded && !tap.destroyed) {
    tap.resume();
    await finished(tap).catch(() => undefined);
  }
  if (sourceError !== undefined) throw sourceError;
  if (!tap.readableEnded) {
    source.destroy();
    throw new ConsumeFailure(new Error('the consumer closed the body before its end'));
  }
  if (announced !== undefined && bytes < announced) throw new BodySizeFailure(bytes, announced, true);
  if (expectedSize !== undefined && bytes !== expectedSize) {
    throw new BodySizeFailure(bytes, expectedSize, bytes < expectedSize);
  }
  return { value, sha256: hash.digest('hex'), bytes };
}

async function readLocalFile<T>(
  url: URL,
  request: DownloadRequest,
  consume: (body: Readable) => Promise<T>,
  logger: Logger,
): Promise<DownloadResult<T>> {
  const path = fileURLToPath(url);
  const elapsed = stopwatch();
  try {
    const stats = await stat(path);
    // A FIFO or a device would be read without end (or block forever).
    if (!stats.isFile()) throw new Error(`${path} is not a regular file`);
    const { size } = stats;
    const result = await hashAndConsume(createReadStream(path), consume, size, request.expectedSize);
    logger.debug(`Read ${result.bytes} bytes from ${path} in ${elapsed()} ms.`);
    return result;
  } catch (error) {
    if (error instanceof ConsumeFailure && error.error instanceof BuildpackError) throw error.error;
    const code = networkErrorCode(error instanceof ConsumeFailure ? error.error : error);
    throw new DownloadError(
      {
        label: request.label,
        url: displayUrl(url),
        code: error instanceof ConsumeFailure ? undefined : code,
        attempts: 1,
        reason: error instanceof Error ? error.message : String(error),
        advice: code === 'ENOENT' ? 'Check the mirror path: the file does not exist.' : undefined,
      },
      { cause: error instanceof ConsumeFailure ? error.error : error },
    );
  }
}

function toFailure(error: unknown): AttemptFailure {
  if (error instanceof HttpStatusFailure) {
    return {
      status: error.status,
      header: (name) => headerValue(error.headers, name),
      message: error.reason,
    };
  }
  if (error instanceof BodySizeFailure) return { retryable: error.retryable, code: 'TRUNCATED' };
  return networkAttemptFailure(error);
}

function downloadError(error: unknown, attempts: number, request: DownloadRequest, url: URL): Error {
  // The download succeeded and the consumer refused the bytes (an unsafe archive, a wrong format): its own
  // message names the asset and the fix; "Could not download" in front of it would say the wrong thing.
  if (error instanceof ConsumeFailure && error.error instanceof BuildpackError) return error.error;
  const base = { label: request.label, url: displayUrl(url), attempts };
  if (error instanceof HttpStatusFailure) {
    return new DownloadError(
      {
        ...base,
        status: error.status,
        reason: error.reason,
        advice: accessAdvice(error.status, request.token, { kind: 'asset' }),
      },
      { cause: error },
    );
  }
  if (error instanceof BodySizeFailure) {
    return new DownloadError(
      {
        ...base,
        reason: error.retryable
          ? `the body ended early (${error.received} of ${error.expected} bytes)`
          : `the body runs past the ${error.expected} bytes the release announced (refused at ${error.received})`,
        advice: error.retryable
          ? undefined
          : 'The asset may have been replaced while building (retry the build), or the server sends something else than the asset.',
      },
      { cause: error },
    );
  }
  if (error instanceof RedirectRefused) {
    return new DownloadError(
      {
        ...base,
        reason: error.reason,
        advice: 'The server (or a proxy) is misconfigured; no retry can fix it.',
      },
      { cause: error },
    );
  }
  if (error instanceof DeadlineFailure) {
    return new DownloadError(
      {
        ...base,
        reason: `it did not finish within ${error.seconds} s, the time allowed for ${error.size} bytes at ${Math.round(error.speed / 1024)} KiB/s or faster`,
        advice:
          'The server sends too slowly (or trickles on purpose): retry later, or lower BP_GITHUB_ASSETS_MIN_SPEED (KiB/s) if the link is really this slow.',
      },
      { cause: error },
    );
  }
  if (error instanceof ConsumeFailure) {
    return new DownloadError({ ...base, reason: error.message }, { cause: error.error });
  }
  const failure = describeNetworkFailure(error, url);
  return new DownloadError({ ...base, code: failure.words, advice: failure.advice }, { cause: error });
}

/** GitHub's `message` from an error body (read up to a cap), or a short plain-text body; at most 200 characters. */
async function errorReason(body: Readable): Promise<string | undefined> {
  const text = (await readCapped(body, ERROR_BODY_CAP, 'truncate').catch(() => Buffer.alloc(0))).toString();
  let reason = text.trim();
  try {
    const parsed: unknown = JSON.parse(text);
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      'message' in parsed &&
      typeof parsed.message === 'string'
    ) {
      reason = parsed.message;
    }
  } catch {
    const xmlMessage = /<Message>([^<]*)<\/Message>/.exec(text);
    if (xmlMessage?.[1] !== undefined) reason = xmlMessage[1];
  }
  return reason === '' ? undefined : reason.slice(0, 200);
}
