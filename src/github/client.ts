import { Octokit } from '@octokit/rest';
import { RequestError } from '@octokit/request-error';
import type { Dispatcher } from 'undici';
import { readCapped, ReadLimitExceeded } from '../download/bounded-read.js';
import { createDispatcher } from '../download/http-dispatcher.js';
import { describeNetworkFailure, networkAttemptFailure } from '../download/network-failure.js';
import { RedirectRefused, tokenFor } from '../download/redirects.js';
import { withRetries, type AttemptFailure, type RetryOptions } from '../download/retry-policy.js';
import { BuildpackError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { apiFetch } from './api-fetch.js';
import {
  GitHubApiError,
  ReleaseNotFoundError,
  RepoNotFoundError,
  TokenRejectedError,
  type ReleaseHint,
} from './errors.js';
import { asRecord, parseRelease, type Release } from './release.js';
import type { Token } from './token.js';
import { stopwatch } from '../log/stopwatch.js';

export interface GitHubClientOptions {
  /** https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server. */
  readonly apiUrl: string;
  readonly logger: Logger;
  readonly retry: RetryOptions;
  readonly userAgent: string;
  /** A connection pool shared with the build's downloads; by default the client has its own. */
  readonly dispatcher?: Dispatcher | undefined;
  /** Largest API answer read, in bytes (default 64 MiB, far above a release with 1,000 assets). */
  readonly maxAnswerBytes?: number | undefined;
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

export interface AttestationsRequest {
  readonly owner: string;
  readonly name: string;
  /** Lower-case hex sha256 of the asset. */
  readonly sha256: string;
  readonly token: Token | undefined;
}

export interface GitHubClient {
  /** `logger` overrides the client's logger for this call (a group logger, when entries resolve in parallel). */
  resolveRelease(request: ResolveReleaseRequest, logger?: Logger): Promise<ResolveReleaseResult>;
  /**
   * GET /repos/{owner}/{repo}/attestations/sha256:{hex}: the answer as parsed JSON, or undefined when GitHub
   * holds none (404). Same token, retries and answer cap as the release look-ups.
   */
  getAttestations(request: AttestationsRequest, logger?: Logger): Promise<unknown>;
}

/** 404 and 304 are answers here, not errors. */
type Answer =
  | { readonly kind: 'found'; readonly data: unknown; readonly etag: string | undefined }
  | { readonly kind: 'missing' }
  | { readonly kind: 'not-modified' };

/** What every look-up hands to octokit's typed method on top of its route parameters. */
interface CallOptions {
  readonly headers: Record<string, string>;
  readonly request: { readonly parseSuccessResponseBody: false };
}

type Call = (options: CallOptions) => Promise<{ status: number; headers: { etag?: string }; data: unknown }>;

const HINT_PAGE_SIZE = 100;
export const DEFAULT_MAX_ANSWER_BYTES = 64 * 1024 * 1024;
const ignore = (): void => undefined;

/** A GitHub REST client for release look-ups, with the shared retry policy and messages that say what to do. */
export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const apiUrl = options.apiUrl.replace(/\/+$/, '');
  const apiOrigin = new URL(apiUrl).origin;
  const maxAnswerBytes = options.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES;
  const dispatcher = options.dispatcher ?? createDispatcher(options.retry);
  const octokit = new Octokit({
    baseUrl: apiUrl,
    userAgent: options.userAgent,
    // The client writes its own debug lines, as sentences; octokit's request log would repeat them as codes.
    log: { debug: ignore, info: ignore, warn: ignore, error: ignore },
    // apiFetch has the members of fetch's Response that octokit reads (api-fetch.ts), not all of them.
    request: { fetch: apiFetch(apiOrigin, dispatcher, maxAnswerBytes) as unknown as typeof fetch },
  });

  /** One look-up with retries. The answer is read here, with a cap, so a body that breaks off is retried. */
  async function get(
    display: string,
    call: Call,
    request: ResolveReleaseRequest,
    conditional: boolean,
    logger: Logger,
    what = `resolving ${request.owner}/${request.name}`,
  ): Promise<Answer> {
    const headers: Record<string, string> = {};
    const credential = tokenFor(request.token, apiUrl);
    if (credential !== undefined) headers['authorization'] = credential.authorization;
    if (conditional && request.etag !== undefined) headers['if-none-match'] = request.etag;
    return withRetries(
      async (): Promise<Answer> => {
        const elapsed = stopwatch();
        try {
          const response = await call({ headers, request: { parseSuccessResponseBody: false } });
          // With parseSuccessResponseBody false, octokit hands over the body stream (its types still say JSON).
          const body = await readCapped(response.data as AsyncIterable<Uint8Array>, maxAnswerBytes, 'refuse');
          logger.debug(
            `GitHub answered ${display} with ${response.status} (${body.length} bytes, ${elapsed()} ms).`,
          );
          return { kind: 'found', data: parseJson(body), etag: response.headers.etag };
        } catch (error) {
          if (!(error instanceof RequestError) || error.response === undefined) throw error;
          logger.debug(`GitHub answered ${display} with ${error.status} (${elapsed()} ms).`);
          if (error.status === 404) return { kind: 'missing' };
          if (error.status === 304) return { kind: 'not-modified' };
          throw error;
        }
      },
      {
        retry: options.retry,
        logger,
        what,
        authenticated: request.token !== undefined,
        toFailure,
        fail: (error, attempts) => apiError(error, attempts, display, what, request.token),
      },
    );
  }

  function apiError(
    error: unknown,
    attempts: number,
    display: string,
    what: string,
    token: Token | undefined,
  ): Error {
    if (error instanceof RequestError && error.response !== undefined) {
      const reason = githubMessage(error.response.data);
      if (error.status === 401 && token !== undefined) {
        return new TokenRejectedError(token, what, reason ?? 'Bad credentials', { cause: error });
      }
      return new GitHubApiError(
        { request: display, status: error.status, attempts, reason, apiUrl },
        { cause: error },
      );
    }
    const cause = unwrapFetchError(error);
    if (cause instanceof BuildpackError) return cause;
    const base = { request: display, status: undefined, attempts, apiUrl };
    if (cause instanceof RedirectRefused) {
      return new GitHubApiError(
        {
          ...base,
          reason: cause.reason,
          advice: 'Check BP_GITHUB_API_URL; a redirect like this does not fix itself.',
        },
        { cause },
      );
    }
    if (cause instanceof ReadLimitExceeded) {
      return new GitHubApiError(
        {
          ...base,
          reason: `the answer is larger than ${Math.round(cause.limit / 1024 / 1024)} MiB, far more than a release with 1,000 assets needs`,
          advice:
            'Check that BP_GITHUB_API_URL points at a GitHub API; raise BP_GITHUB_ASSETS_MAX_API_BYTES if the answer is really that large.',
        },
        { cause },
      );
    }
    const failure = describeNetworkFailure(cause, apiUrl);
    return new GitHubApiError(
      {
        ...base,
        network: failure.words,
        reason: undefined,
        advice: failure.permanent ? failure.advice : undefined,
      },
      { cause: error },
    );
  }

  async function recentReleases(
    request: ResolveReleaseRequest,
    logger: Logger,
  ): Promise<ReleaseHint[] | 'repo-missing' | undefined> {
    const { owner, name } = request;
    try {
      const answer = await get(
        `GET /repos/${owner}/${name}/releases`,
        (call) => octokit.rest.repos.listReleases({ owner, repo: name, per_page: HINT_PAGE_SIZE, ...call }),
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
      logger.debug(
        `Listing the releases of ${owner}/${name} failed, so the message lists none: ${String(error)}`,
      );
      return undefined;
    }
  }

  function toResult(answer: Answer, request: ResolveReleaseRequest, display: string): ResolveReleaseResult {
    if (answer.kind === 'not-modified') return { status: 'not-modified' };
    if (answer.kind !== 'found') throw new Error('unreachable');
    return { status: 'ok', release: parseRelease(answer.data, answer.etag, display, apiUrl, request) };
  }

  const byTag = (request: ResolveReleaseRequest, tag: string, logger: Logger): Promise<Answer> =>
    get(
      `GET /repos/${request.owner}/${request.name}/releases/tags/${encodeURIComponent(tag)}`,
      (call) =>
        octokit.rest.repos.getReleaseByTag({ owner: request.owner, repo: request.name, tag, ...call }),
      request,
      true,
      logger,
    );

  return {
    async resolveRelease(request, logger = options.logger) {
      const { owner, name } = request;
      if (request.tag === undefined) {
        const latest = await get(
          `GET /repos/${owner}/${name}/releases/latest`,
          (call) => octokit.rest.repos.getLatestRelease({ owner, repo: name, ...call }),
          request,
          true,
          logger,
        );
        if (latest.kind !== 'missing') return toResult(latest, request, 'latest');
        // A tag literally named "latest" is what the previous buildpack looked up; keep it working.
        const literal = await byTag(request, 'latest', logger);
        if (literal.kind !== 'missing') return toResult(literal, request, 'latest');
        const recent = await recentReleases(request, logger);
        if (recent === 'repo-missing') throw new RepoNotFoundError(owner, name, request.token);
        throw new ReleaseNotFoundError({ owner, repo: name, tag: undefined, recent: recent ?? [] });
      }
      const tag = request.tag;
      const found = await byTag(request, tag, logger);
      if (found.kind !== 'missing') return toResult(found, request, `${owner}/${name} ${tag}`);
      const recent = await recentReleases(request, logger);
      if (recent === 'repo-missing') throw new RepoNotFoundError(owner, name, request.token);
      const alternative = tag.startsWith('v') ? tag.slice(1) : `v${tag}`;
      const vPrefixMatch = recent?.some((release) => release.tag === alternative && !release.draft)
        ? alternative
        : undefined;
      throw new ReleaseNotFoundError({ owner, repo: name, tag, recent: recent ?? [], vPrefixMatch });
    },

    async getAttestations(request, logger = options.logger) {
      const { owner, name, sha256 } = request;
      const subject = `sha256:${sha256}`;
      const answer = await get(
        `GET /repos/${owner}/${name}/attestations/${subject}`,
        (call) =>
          octokit.rest.repos.listAttestations({ owner, repo: name, subject_digest: subject, ...call }),
        { owner, name, tag: undefined, token: request.token },
        false,
        logger,
        `looking up the attestations of ${owner}/${name}`,
      );
      return answer.kind === 'found' ? answer.data : undefined;
    },
  };
}

/** The error thrown inside fetch (a network failure, a refused redirect), which octokit wraps. */
function unwrapFetchError(error: unknown): unknown {
  return error instanceof RequestError && error.response === undefined ? (error.cause ?? error) : error;
}

function toFailure(error: unknown): AttemptFailure {
  if (error instanceof RequestError && error.response !== undefined) {
    const headers = error.response.headers;
    return {
      status: error.status,
      header: (name) => {
        const value = headers[name];
        return value === undefined ? undefined : String(value);
      },
      message: githubMessage(error.response.data),
    };
  }
  return networkAttemptFailure(unwrapFetchError(error));
}

function githubMessage(data: unknown): string | undefined {
  const message = asRecord(typeof data === 'string' ? parseJson(Buffer.from(data)) : data)?.['message'];
  return typeof message === 'string' ? message : undefined;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
