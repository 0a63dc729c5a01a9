import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { request as httpRequest, type Dispatcher } from 'undici';
import type { Token } from '../github/token.js';
import type { Logger } from '../log/logger.js';
import { DownloadError } from './download-error.js';
import { createDispatcher, displayUrl, networkErrorCode } from './http-dispatcher.js';
import { withRetries, type AttemptFailure, type RetryOptions } from './retry-policy.js';

export interface DownloadRequest {
  /** API asset URL, or a mirror's https:// or file:// URL. */
  readonly url: string;
  readonly token: Token | undefined;
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
}

const MAX_REDIRECTS = 5;
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
const DEFAULT_USER_AGENT = 'github-release-assets-buildpack';

/**
 * GETs the asset (Accept: application/octet-stream), follows redirects itself (at most 5), sending the
 * token only to the original origin, and hands the body to `consume` as a Readable that hashes sha256 as it
 * flows. `consume` is called afresh on every attempt. A retryable failure (network error, timeout, body
 * shorter than announced, 5xx, 408, 429, a rate limit within the wait cap) starts again from the original
 * URL, since signed storage URLs expire; other 4xx fail at once.
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

  const dispatcher = options.dispatcher ?? createDispatcher(options.retry);
  try {
    return await withRetries(
      (attempt) => attemptDownload(url, request, consume, options, dispatcher, attempt),
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

/** An HTTP answer that was not the asset; carries what the policy and the message need. */
class HttpStatusFailure extends Error {
  constructor(
    readonly status: number,
    readonly headers: Readonly<Record<string, string | string[] | undefined>>,
    readonly url: string,
    readonly reason: string | undefined,
  ) {
    super(`HTTP ${status} from ${url}${reason === undefined ? '' : `: ${reason}`}`);
  }
}

/** The body ended before Content-Length (or the expected size) was reached, or was longer than expected. */
class BodySizeFailure extends Error {
  constructor(
    readonly received: number,
    readonly expected: number,
    readonly retryable: boolean,
  ) {
    super(`received ${received} bytes, expected ${expected}`);
  }
}

/** `consume` failed on its own (not because the body broke): not a network problem, not retried. */
class ConsumeFailure extends Error {
  constructor(readonly error: unknown) {
    super(error instanceof Error ? error.message : String(error), { cause: error });
  }
}

async function attemptDownload<T>(
  start: URL,
  request: DownloadRequest,
  consume: (body: Readable) => Promise<T>,
  options: DownloadOptions,
  dispatcher: Dispatcher,
  attempt: number,
): Promise<DownloadResult<T>> {
  const { logger } = options;
  let url = start;
  for (let hop = 0; ; hop++) {
    const headers: Record<string, string> = {
      accept: 'application/octet-stream',
      'user-agent': options.userAgent ?? DEFAULT_USER_AGENT,
    };
    // The token goes to the origin it was meant for only: storage hosts reject it, and mirrors must not see it.
    if (request.token !== undefined && url.origin === start.origin) {
      headers['authorization'] = `Bearer ${request.token.value}`;
    }
    const began = performance.now();
    const response = await httpRequest(url, { method: 'GET', headers, dispatcher });
    const ms = Math.round(performance.now() - began);
    logger.debug(`GET ${displayUrl(url)} -> ${response.statusCode} in ${ms} ms (attempt ${attempt})`);

    if (REDIRECT_STATUS.has(response.statusCode)) {
      await response.body.dump();
      const location = headerValue(response.headers, 'location');
      if (location === undefined || hop >= MAX_REDIRECTS) {
        throw new HttpStatusFailure(
          response.statusCode,
          response.headers,
          displayUrl(url),
          location === undefined ? 'redirect without a Location' : `more than ${MAX_REDIRECTS} redirects`,
        );
      }
      const next = new URL(location, url);
      logger.debug(
        `redirect to ${next.host}${next.origin !== start.origin && request.token !== undefined ? ' (Authorization dropped)' : ''}`,
      );
      url = next;
      continue;
    }
    if (response.statusCode !== 200) {
      const reason = await errorReason(response.body);
      throw new HttpStatusFailure(response.statusCode, response.headers, displayUrl(url), reason);
    }
    const announced = Number(headerValue(response.headers, 'content-length'));
    const result = await hashAndConsume(
      response.body,
      consume,
      Number.isFinite(announced) ? announced : undefined,
      request.expectedSize,
    );
    logger.debug(
      `GET ${displayUrl(url)} done: ${result.bytes} bytes in ${Math.round(performance.now() - began)} ms`,
    );
    return result;
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
      hash.update(chunk);
      bytes += chunk.length;
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
  const began = performance.now();
  try {
    const { size } = await stat(path);
    const result = await hashAndConsume(createReadStream(path), consume, size, request.expectedSize);
    logger.debug(`read ${path}: ${result.bytes} bytes in ${Math.round(performance.now() - began)} ms`);
    return result;
  } catch (error) {
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
      // A redirect loop or a redirect without Location will not fix itself.
      retryable: REDIRECT_STATUS.has(error.status) ? false : undefined,
    };
  }
  if (error instanceof BodySizeFailure) return { retryable: error.retryable, code: 'TRUNCATED' };
  if (error instanceof ConsumeFailure) return { retryable: false };
  return { code: networkErrorCode(error) ?? 'ERR_NETWORK' };
}

function downloadError(error: unknown, attempts: number, request: DownloadRequest, url: URL): DownloadError {
  const base = { label: request.label, url: displayUrl(url), attempts };
  if (error instanceof HttpStatusFailure) {
    return new DownloadError(
      {
        ...base,
        status: error.status,
        reason: error.reason,
        advice: statusAdvice(error.status, request.token),
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
          : `the body has ${error.received} bytes, not the ${error.expected} GitHub announced`,
        advice: error.retryable
          ? undefined
          : 'The asset may have been replaced while building; retry the build.',
      },
      { cause: error },
    );
  }
  if (error instanceof ConsumeFailure) {
    return new DownloadError({ ...base, reason: error.message }, { cause: error.error });
  }
  return new DownloadError(
    {
      ...base,
      code: networkErrorCode(error) ?? 'network error',
      advice: 'Check network access to the host (HTTPS_PROXY / NO_PROXY if the build goes through a proxy).',
    },
    { cause: error },
  );
}

function statusAdvice(status: number, token: Token | undefined): string | undefined {
  if (status === 401) {
    return token === undefined
      ? 'The host asks for credentials: set token_env (or GITHUB_TOKEN) for this entry.'
      : `The token from ${token.source} was rejected: it is expired, revoked or mistyped.`;
  }
  if (status === 404) {
    return token === undefined
      ? 'The asset is gone, or the repository is private: set token_env (or GITHUB_TOKEN) to a token that can read it.'
      : `The asset is gone, or the token from ${token.source} cannot read the repository (needs Contents: read).`;
  }
  if (status === 403) return 'Access was refused; check that the token may read the repository.';
  return undefined;
}

function headerValue(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  name: string,
): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** GitHub's `message` from an error body, or a short plain-text body; at most 200 characters. */
async function errorReason(body: Readable & { text(): Promise<string> }): Promise<string | undefined> {
  const text = await body.text().catch(() => '');
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
