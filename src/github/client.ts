import { Octokit } from '@octokit/rest';
import { fetch as undiciFetch, Response, type Dispatcher, type RequestInfo, type RequestInit } from 'undici';
import { createDispatcher, networkErrorCode, networkErrorSummary } from '../download/http-dispatcher.js';
import { withRetries, type AttemptFailure, type RetryOptions } from '../download/retry-policy.js';
import type { Logger } from '../log/logger.js';
import { GitHubApiError } from './github-api-error.js';
import type { Release, ReleaseAsset } from './release.js';
import { ReleaseNotFoundError, type ReleaseHint } from './release-not-found-error.js';
import { RepoNotFoundError } from './repo-not-found-error.js';
import type { Token } from './token.js';
import { TokenRejectedError } from './token-rejected-error.js';

export interface GitHubClientOptions {
  /** https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server. */
  readonly apiUrl: string;
  readonly logger: Logger;
  readonly retry: RetryOptions;
  readonly userAgent: string;
  /** A connection pool shared with the build's downloads; by default the client has its own. */
  readonly dispatcher?: Dispatcher | undefined;
}

export interface ResolveReleaseRequest {
  readonly owner: string;
  readonly name: string;
  /** undefined = latest */
  readonly tag: string | undefined;
  readonly token: Token | undefined;
  /** ETag from the previous build, for a conditional request. */
  readonly etag?: string | undefined;
}

export type ResolveReleaseResult =
  { readonly status: 'ok'; readonly release: Release } | { readonly status: 'not-modified' };

export interface GitHubClient {
  /** `logger` overrides the client's logger for this call (a group logger, when entries resolve in parallel). */
  resolveRelease(request: ResolveReleaseRequest, logger?: Logger): Promise<ResolveReleaseResult>;
}

/** The part of octokit's RequestError this module reads. */
interface OctokitError {
  readonly status: number;
  readonly message: string;
  readonly response?: {
    readonly headers: Readonly<Record<string, string | undefined>>;
    readonly data?: unknown;
  };
  readonly cause?: unknown;
}

type Answer =
  | { readonly kind: 'found'; readonly data: unknown; readonly etag: string | undefined }
  | { readonly kind: 'missing' }
  | { readonly kind: 'not-modified' };

const HINT_PAGE_SIZE = 100;

/** A GitHub REST client for release look-ups, with the shared retry policy and messages that say what to do. */
export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const apiUrl = options.apiUrl.replace(/\/+$/, '');
  const dispatcher = options.dispatcher ?? createDispatcher(options.retry);
  // Only the first argument is passed on: octokit's request-log plugin hands the request options (headers,
  // Authorization included) to log.debug as a second argument.
  const log = (message: unknown): void => {
    if (typeof message === 'string') options.logger.debug(`octokit: ${message}`);
  };
  const octokit = new Octokit({
    baseUrl: apiUrl,
    userAgent: options.userAgent,
    log: { debug: () => undefined, info: log, warn: log, error: log },
    request: {
      fetch: (input: RequestInfo, init?: RequestInit) => fetchWhole(input, { ...init, dispatcher }),
    },
  });

  /** One GET with retries; 404 and 304 are answers here, not errors. */
  async function get(
    route: string,
    params: Record<string, string | number>,
    request: ResolveReleaseRequest,
    conditional: boolean,
    logger: Logger,
  ): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (request.token !== undefined) headers['authorization'] = `Bearer ${request.token.value}`;
    if (conditional && request.etag !== undefined) headers['if-none-match'] = request.etag;
    const display = `GET ${fillRoute(route, params)}`;
    try {
      const response = await withRetries(() => octokit.request(route, { ...params, headers }), {
        retry: options.retry,
        logger,
        what: `resolving ${request.owner}/${request.name}`,
        authenticated: request.token !== undefined,
        toFailure,
        fail: (error, attempts) => tagAttempts(error, attempts),
        onRetry: (attempt, error) =>
          logger.debug(`${display}: attempt ${attempt} failed (${describe(error)})`),
      });
      logger.debug(`${display} -> ${response.status}`);
      return { kind: 'found', data: response.data, etag: response.headers.etag };
    } catch (error) {
      const failure = unwrapAttempts(error);
      if (!isOctokitError(failure.error)) throw failure.error;
      const status = failure.error.status;
      logger.debug(`${display} -> ${status}`);
      if (status === 404) return { kind: 'missing' };
      if (status === 304) return { kind: 'not-modified' };
      if (status === 401 && request.token !== undefined) {
        throw new TokenRejectedError(
          request.token,
          `resolving ${request.owner}/${request.name}`,
          401,
          githubMessage(failure.error) ?? 'Bad credentials',
          { cause: failure.error },
        );
      }
      const networkFailure = failure.error.response === undefined;
      throw new GitHubApiError(
        {
          request: display,
          status: networkFailure ? undefined : status,
          code: networkFailure ? networkErrorSummary(failure.error.cause) : undefined,
          attempts: failure.attempts,
          reason: networkFailure ? undefined : githubMessage(failure.error),
          apiUrl,
        },
        { cause: failure.error },
      );
    }
  }

  async function recentReleases(
    request: ResolveReleaseRequest,
    logger: Logger,
  ): Promise<ReleaseHint[] | 'repo-missing' | undefined> {
    try {
      const answer = await get(
        'GET /repos/{owner}/{repo}/releases',
        { owner: request.owner, repo: request.name, per_page: HINT_PAGE_SIZE },
        request,
        false,
        logger,
      );
      if (answer.kind === 'missing') return 'repo-missing';
      if (answer.kind !== 'found' || !Array.isArray(answer.data)) return undefined;
      return answer.data.flatMap((item: unknown) => {
        const release = asRecord(item);
        return typeof release?.['tag_name'] === 'string'
          ? [
              {
                tag: release['tag_name'],
                prerelease: release['prerelease'] === true,
                draft: release['draft'] === true,
              },
            ]
          : [];
      });
    } catch (error) {
      // The list only improves the message; a token or rate-limit problem has already been reported by then.
      if (error instanceof TokenRejectedError) throw error;
      logger.debug(`listing releases of ${request.owner}/${request.name} failed: ${describe(error)}`);
      return undefined;
    }
  }

  function toResult(answer: Answer, request: ResolveReleaseRequest, display: string): ResolveReleaseResult {
    if (answer.kind === 'not-modified') return { status: 'not-modified' };
    if (answer.kind !== 'found') throw new Error('unreachable');
    return { status: 'ok', release: parseRelease(answer.data, answer.etag, display, apiUrl, request) };
  }

  return {
    async resolveRelease(request, logger = options.logger) {
      const repo = { owner: request.owner, repo: request.name };
      const slug = `${request.owner}/${request.name}`;
      if (request.tag === undefined) {
        const latest = await get('GET /repos/{owner}/{repo}/releases/latest', repo, request, true, logger);
        if (latest.kind !== 'missing') return toResult(latest, request, 'latest');
        // A tag literally named "latest" is what the previous buildpack looked up; keep it working.
        const literal = await get(
          'GET /repos/{owner}/{repo}/releases/tags/{tag}',
          { ...repo, tag: 'latest' },
          request,
          true,
          logger,
        );
        if (literal.kind !== 'missing') return toResult(literal, request, 'latest');
        const recent = await recentReleases(request, logger);
        if (recent === 'repo-missing')
          throw new RepoNotFoundError(request.owner, request.name, request.token);
        throw new ReleaseNotFoundError({
          owner: request.owner,
          repo: request.name,
          tag: undefined,
          recent: recent ?? [],
        });
      }
      const tag = request.tag;
      const found = await get(
        'GET /repos/{owner}/{repo}/releases/tags/{tag}',
        { ...repo, tag },
        request,
        true,
        logger,
      );
      if (found.kind !== 'missing') return toResult(found, request, `${slug} ${tag}`);
      const recent = await recentReleases(request, logger);
      if (recent === 'repo-missing') throw new RepoNotFoundError(request.owner, request.name, request.token);
      const alternative = tag.startsWith('v') ? tag.slice(1) : `v${tag}`;
      const vPrefixMatch = recent?.some((release) => release.tag === alternative && !release.draft)
        ? alternative
        : undefined;
      throw new ReleaseNotFoundError({
        owner: request.owner,
        repo: request.name,
        tag,
        recent: recent ?? [],
        vPrefixMatch,
      });
    },
  };
}

/**
 * fetch, with the body read before octokit sees the answer: octokit swallows a body that breaks off
 * (and parses what arrived as text), while an error thrown here reaches the retry policy as a network error.
 * API answers are small.
 */
async function fetchWhole(input: RequestInfo, init: RequestInit): Promise<Response> {
  const response = await undiciFetch(input, init);
  const body = response.status === 304 || response.status === 204 ? null : await response.arrayBuffer();
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

function toFailure(error: unknown): AttemptFailure {
  if (!isOctokitError(error)) return { retryable: false };
  if (error.response === undefined) {
    // octokit reports a fetch that never got an answer as status 500 without a response.
    return { code: networkErrorCode(error.cause) ?? 'ERR_NETWORK' };
  }
  const headers = error.response.headers;
  return {
    status: error.status,
    header: (name) => headers[name],
    message: githubMessage(error),
    // 304 is an answer, not a failure.
    retryable: error.status === 304 ? false : undefined,
  };
}

class AttemptsExhausted extends Error {
  constructor(
    readonly error: unknown,
    readonly attempts: number,
  ) {
    super('attempts exhausted', { cause: error });
  }
}

function tagAttempts(error: unknown, attempts: number): Error {
  return new AttemptsExhausted(error, attempts);
}

function unwrapAttempts(error: unknown): { error: unknown; attempts: number } {
  return error instanceof AttemptsExhausted
    ? { error: error.error, attempts: error.attempts }
    : { error, attempts: 1 };
}

function isOctokitError(error: unknown): error is OctokitError {
  return error instanceof Error && typeof (error as { status?: unknown }).status === 'number';
}

function githubMessage(error: OctokitError): string | undefined {
  const data = asRecord(error.response?.data);
  return typeof data?.['message'] === 'string' ? data['message'] : undefined;
}

function describe(error: unknown): string {
  if (isOctokitError(error)) {
    return error.response === undefined
      ? (networkErrorCode(error.cause) ?? 'network error')
      : `HTTP ${error.status}`;
  }
  return error instanceof Error ? error.name : 'error';
}

function fillRoute(route: string, params: Record<string, string | number>): string {
  return route
    .replace(/^GET /, '')
    .replace(/\{(\w+)\}/g, (_, key: string) => encodeURIComponent(String(params[key] ?? `{${key}}`)));
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Checks and narrows GitHub's release JSON: odd answers become a clear error, not a crash later. */
function parseRelease(
  data: unknown,
  etag: string | undefined,
  display: string,
  apiUrl: string,
  request: ResolveReleaseRequest,
): Release {
  const release = asRecord(data);
  const unexpected = (what: string): GitHubApiError =>
    new GitHubApiError({
      request: `release ${display} of ${request.owner}/${request.name}`,
      status: undefined,
      code: undefined,
      attempts: 1,
      reason: `unexpected answer: ${what}`,
      apiUrl,
    });
  if (release === undefined) throw unexpected('not a JSON object');
  const id = release['id'];
  const tag = release['tag_name'];
  const assets = release['assets'];
  if (typeof id !== 'number' || typeof tag !== 'string' || !Array.isArray(assets)) {
    throw unexpected('no id, tag_name or assets');
  }
  return {
    id,
    tag,
    etag,
    assets: assets.map((item: unknown, index): ReleaseAsset => {
      const asset = asRecord(item);
      const digest = asset?.['digest'];
      if (
        asset === undefined ||
        typeof asset['id'] !== 'number' ||
        typeof asset['name'] !== 'string' ||
        typeof asset['size'] !== 'number' ||
        typeof asset['url'] !== 'string' ||
        typeof asset['browser_download_url'] !== 'string'
      ) {
        throw unexpected(`asset ${index + 1} lacks id, name, size or URLs`);
      }
      return {
        id: asset['id'],
        name: asset['name'],
        size: asset['size'],
        digest: typeof digest === 'string' ? digest : null,
        apiUrl: asset['url'],
        browserDownloadUrl: asset['browser_download_url'],
      };
    }),
  };
}
