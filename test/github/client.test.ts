import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGitHubClient, type ResolveReleaseRequest } from '../../src/github/client.js';
import { RateLimitError } from '../../src/download/errors.js';
import {
  GitHubApiError,
  ReleaseNotFoundError,
  RepoNotFoundError,
  TokenRejectedError,
} from '../../src/github/errors.js';
import type { Token } from '../../src/github/token.js';
import { startFakeGitHub, type FakeGitHub } from '../../tools/fake-github/index.js';
import { errorText, fastRetry, makeTempDir, recordingLogger, writeAssetFile } from './helpers.js';
import { failure } from '../helpers/failure.js';

const SECRET = 'ghp_clientTestSecret0123456789';
const token: Token = { value: SECRET, source: 'MY_TOKEN' };
const badToken: Token = { value: 'ghp_wrongTokenValue987', source: 'GITHUB_TOKEN' };
const ATTESTED = 'ab'.repeat(32);

let gh: FakeGitHub;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const temp = await makeTempDir();
  cleanup = temp.cleanup;
  const file = await writeAssetFile(temp.dir, 'tool-linux-amd64', 1024);
  const asset = (name = 'tool-linux-amd64') => ({ name, file });
  gh = await startFakeGitHub({
    tokens: [SECRET],
    repos: [
      {
        owner: 'acme',
        name: 'tool',
        releases: [
          { tag: 'v2.0.0-rc.1', prerelease: true, assets: [asset()] },
          { tag: 'v1.2.0', assets: [asset()] },
          { tag: 'v1.1.0', assets: [asset(), { name: 'old', file, digest: null }] },
        ],
        attestations: [{ sha256: ATTESTED, bundle: { mediaType: 'application/vnd.dev.sigstore.bundle' } }],
      },
      {
        owner: 'acme',
        name: 'pinned',
        releases: [
          { tag: 'v3.0.0', assets: [asset()] },
          { tag: 'v2.5.0', latest: true, assets: [asset()] },
        ],
      },
      {
        owner: 'acme',
        name: 'previews',
        releases: [{ tag: '0.9.0-beta.2', prerelease: true, assets: [asset()] }],
      },
      { owner: 'acme', name: 'literal', releases: [{ tag: 'latest', prerelease: true, assets: [asset()] }] },
      { owner: 'acme', name: 'empty', releases: [] },
      { owner: 'acme', name: 'secret', private: true, releases: [{ tag: 'v0.1.0', assets: [asset()] }] },
    ],
  });
});
afterAll(async () => {
  await gh.close();
  await cleanup();
});
beforeEach(() => {
  gh.faults.clear();
  gh.resetRequests();
});

function client(logger = recordingLogger().logger, retry = fastRetry) {
  return createGitHubClient({ apiUrl: gh.apiUrl, logger, retry, userAgent: 'test-agent' });
}

function req(name: string, tag: string | undefined, tok?: Token, etag?: string): ResolveReleaseRequest {
  return { owner: 'acme', name, tag, token: tok, etag };
}

describe('resolveRelease', () => {
  it('resolves the latest release, skipping prereleases, with asset metadata and ETag', async () => {
    const result = await client().resolveRelease(req('tool', undefined));
    if (result.status !== 'ok') throw new Error('expected ok');
    expect(result.release.tag).toBe('v1.2.0');
    expect(result.release.etag).toMatch(/^W\/"/);
    const [asset] = result.release.assets;
    expect(asset?.name).toBe('tool-linux-amd64');
    expect(asset?.size).toBe(1024);
    expect(asset?.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(asset?.apiUrl).toBe(`${gh.apiUrl}/repos/acme/tool/releases/assets/${asset?.id}`);
    expect(asset?.browserDownloadUrl).toBe(
      `${gh.apiUrl}/acme/tool/releases/download/v1.2.0/tool-linux-amd64`,
    );
    expect(gh.requests[0]?.headers['user-agent']).toContain('test-agent');
  });

  it('resolves a tag, keeping null digests', async () => {
    const result = await client().resolveRelease(req('tool', 'v1.1.0'));
    if (result.status !== 'ok') throw new Error('expected ok');
    expect(result.release.assets.map((a) => [a.name, a.digest === null])).toEqual([
      ['tool-linux-amd64', false],
      ['old', true],
    ]);
  });

  it('honours a pinned latest release', async () => {
    const result = await client().resolveRelease(req('pinned', undefined));
    expect(result.status === 'ok' && result.release.tag).toBe('v2.5.0');
  });

  it('falls back to a tag literally named latest', async () => {
    const result = await client().resolveRelease(req('literal', undefined));
    expect(result.status === 'ok' && result.release.tag).toBe('latest');
    expect(gh.requests.map((r) => r.path)).toEqual([
      '/repos/acme/literal/releases/latest',
      '/repos/acme/literal/releases/tags/latest',
    ]);
  });

  it('explains a repo with only prereleases and suggests a tag', async () => {
    const error = await failure(client().resolveRelease(req('previews', undefined)));
    expect(error).toBeInstanceOf(ReleaseNotFoundError);
    expect(error.message).toContain('acme/previews has no published (non-prerelease) release');
    expect(error.message).toContain('0.9.0-beta.2 (prerelease)');
    expect(error.message).toContain('tag = "0.9.0-beta.2"');
  });

  it('explains a repo without any release', async () => {
    const error = await failure(client().resolveRelease(req('empty', undefined)));
    expect(error).toBeInstanceOf(ReleaseNotFoundError);
    expect(error.message).toMatch(/no latest release to install: publish one/);
  });

  it('lists recent tags and hints at a v-prefix mix-up for an unknown tag', async () => {
    const error = await failure(client().resolveRelease(req('tool', '1.2.0')));
    expect(error).toBeInstanceOf(ReleaseNotFoundError);
    expect(error.message).toContain('did you mean tag = "v1.2.0"?');
    expect(error.message).toContain('v2.0.0-rc.1 (prerelease), v1.2.0, v1.1.0');
    expect((error as ReleaseNotFoundError).recentTags).toEqual(['v2.0.0-rc.1', 'v1.2.0', 'v1.1.0']);
    // One look-up, one list.
    expect(gh.requests).toHaveLength(2);

    const plain = await failure(client().resolveRelease(req('tool', 'v9.9.9')));
    expect(plain.message).toContain('Release "v9.9.9" was not found in acme/tool. Recent releases:');
    expect(plain.message).not.toContain('did you mean');
  });

  it('returns not-modified for a matching ETag', async () => {
    const first = await client().resolveRelease(req('tool', 'v1.2.0'));
    if (first.status !== 'ok') throw new Error('expected ok');
    const second = await client().resolveRelease(req('tool', 'v1.2.0', undefined, first.release.etag));
    expect(second).toEqual({ status: 'not-modified' });
    expect(gh.requests.at(-1)?.headers['if-none-match']).toBe(first.release.etag);
    const stale = await client().resolveRelease(req('tool', 'v1.1.0', undefined, first.release.etag));
    expect(stale.status).toBe('ok');
  });

  it('resolves a private repo with a token, sent as a Bearer header', async () => {
    const result = await client().resolveRelease(req('secret', 'v0.1.0', token));
    expect(result.status === 'ok' && result.release.tag).toBe('v0.1.0');
    expect(gh.requests[0]?.headers.authorization).toBe(`Bearer ${SECRET}`);
  });

  it('says a private repo needs a token when none was given', async () => {
    const error = await failure(client().resolveRelease(req('secret', 'v0.1.0')));
    expect(error).toBeInstanceOf(RepoNotFoundError);
    expect(error.message).toContain('acme/secret was not found, or it is private');
    expect(error.message).toContain('GITHUB_TOKEN');
  });

  it('says the token cannot see a repo that is missing for it', async () => {
    const error = await failure(client().resolveRelease(req('nope', undefined, token)));
    expect(error).toBeInstanceOf(RepoNotFoundError);
    expect(error.message).toContain('the token from MY_TOKEN cannot see it');
    expect(error.message).toContain('Contents: read');
  });

  it('names the source of a rejected token, without retrying', async () => {
    const error = await failure(client().resolveRelease(req('tool', undefined, badToken)));
    expect(error).toBeInstanceOf(TokenRejectedError);
    expect(error.message).toContain('The token from GITHUB_TOKEN was rejected (401 Bad credentials)');
    expect(gh.requests).toHaveLength(1);
  });

  it('retries 5xx and network-level failures, then succeeds', async () => {
    gh.faults.add({ match: '/releases/latest', times: 2, kind: { type: 'status', status: 502 } });
    gh.faults.add({ match: '/releases/latest', kind: { type: 'reset-mid-body', afterBytes: 10 } });
    const result = await client().resolveRelease(req('tool', undefined));
    expect(result.status === 'ok' && result.release.tag).toBe('v1.2.0');
    expect(gh.requests).toHaveLength(4);
  });

  it('gives up after the attempts with a GitHubApiError', async () => {
    gh.faults.add({ match: '/releases/tags/', times: 10, kind: { type: 'status', status: 503 } });
    const error = await failure(client().resolveRelease(req('tool', 'v1.2.0')));
    expect(error).toBeInstanceOf(GitHubApiError);
    expect(error.message).toBe(
      'GitHub API request GET /repos/acme/tool/releases/tags/v1.2.0 failed: HTTP 503 (Injected 503), after 4 attempts. GitHub may be having trouble: see https://www.githubstatus.com and retry the build.',
    );
  });

  it('waits out a rate limit within the cap and logs the wait', async () => {
    const { logger, lines } = recordingLogger();
    gh.faults.add({ match: '/releases/latest', kind: { type: 'rate-limit', resetInSeconds: 1 } });
    const began = Date.now();
    const result = await client(logger).resolveRelease(req('tool', undefined));
    expect(result.status).toBe('ok');
    expect(Date.now() - began).toBeGreaterThanOrEqual(200);
    expect(
      lines.some((line) =>
        /^ {2}GitHub rate limit reached; waiting \d+ s until \d\d:\d\d:\d\d UTC$/.test(line),
      ),
    ).toBe(true);
  });

  it('fails beyond the wait cap with the reset time and token advice', async () => {
    gh.faults.add({
      match: '/releases/latest',
      kind: { type: 'rate-limit', resetInSeconds: 1800, status: 429 },
    });
    const error = await failure(client().resolveRelease(req('tool', undefined)));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.message).toMatch(/resets at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(in about (30|31) min\)/);
    expect(error.message).toContain('5,000 an hour');
    expect(gh.requests).toHaveLength(1);
  });

  it('honours retry-after of a secondary rate limit', async () => {
    const { logger, lines } = recordingLogger();
    gh.faults.add({ match: '/releases/tags/', kind: { type: 'secondary-rate-limit', retryAfterSeconds: 1 } });
    const began = Date.now();
    const result = await client(logger).resolveRelease(req('tool', 'v1.1.0', token));
    expect(result.status).toBe('ok');
    expect(Date.now() - began).toBeGreaterThanOrEqual(900);
    expect(lines.some((line) => line.includes('GitHub secondary rate limit reached; waiting 1 s'))).toBe(
      true,
    );
  });

  it('times out a stalled answer and retries', async () => {
    gh.faults.add({ match: '/releases/latest', kind: { type: 'delay', ms: 1_000 } });
    const result = await client(undefined, { ...fastRetry, readTimeoutMs: 200 }).resolveRelease(
      req('tool', undefined),
    );
    expect(result.status).toBe('ok');
    expect(gh.requests).toHaveLength(2);
  });

  it('reports an unreachable API with the network error code', async () => {
    const closed = await startFakeGitHub({ repos: [] });
    await closed.close();
    const dead = createGitHubClient({
      apiUrl: closed.apiUrl,
      logger: recordingLogger().logger,
      retry: { ...fastRetry, attempts: 2 },
      userAgent: 'test',
    });
    const error = await failure(dead.resolveRelease(req('tool', undefined)));
    expect(error).toBeInstanceOf(GitHubApiError);
    expect(error.message).toContain('ECONNREFUSED, after 2 attempts');
    expect(error.message).toContain('HTTPS_PROXY');
  });

  it('writes debug lines as sentences, not octokit codes', async () => {
    const { logger, lines } = recordingLogger();
    gh.faults.add({ match: '/releases/latest', kind: { type: 'status', status: 502 } });
    await client(logger).resolveRelease(req('tool', undefined));
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^ {2}\[debug\] GitHub answered GET \/repos\/acme\/tool\/releases\/latest with 200 \(\d+ bytes, \d+ ms\)\.$/,
      ),
    );
    expect(lines.join('\n')).not.toMatch(/octokit|with id|undefined/);
  });

  it('never lets the token into logs or errors, debug level included', async () => {
    const { logger, lines } = recordingLogger();
    const texts: string[] = [];
    const c = client(logger);
    const run = async (request: ResolveReleaseRequest) => {
      try {
        await c.resolveRelease(request);
      } catch (error) {
        texts.push(errorText(error));
      }
    };
    gh.faults.add({ match: '/releases/tags/', kind: { type: 'status', status: 500 } });
    await run(req('secret', 'v0.1.0', token));
    await run(req('secret', 'v9', token));
    await run(req('nope', undefined, token));
    gh.faults.add({ match: '/releases/latest', kind: { type: 'rate-limit', resetInSeconds: 3600 } });
    await run(req('tool', undefined, token));
    gh.faults.add({ match: '/releases/latest', times: 4, kind: { type: 'status', status: 503 } });
    await run(req('tool', undefined, token));
    await run(req('tool', undefined, { value: SECRET + 'x', source: 'MY_TOKEN' }));
    expect(texts.length).toBeGreaterThanOrEqual(4);
    expect(lines.length).toBeGreaterThan(5);
    for (const text of [...texts, ...lines]) expect(text).not.toContain(SECRET);
  });
});

describe('getAttestations', () => {
  it('asks the attestations API for the digest with the token, retrying like any look-up', async () => {
    gh.faults.add({ match: '/attestations/', times: 1, kind: { type: 'status', status: 502 } });
    const answer = await client().getAttestations({ owner: 'acme', name: 'tool', sha256: ATTESTED, token });
    expect(answer).toEqual({
      attestations: [
        expect.objectContaining({ bundle: { mediaType: 'application/vnd.dev.sigstore.bundle' } }),
      ],
    });
    // octokit escapes the colon of the route parameter (sha256%3A…), which GitHub decodes like any path.
    expect(gh.requests.map((r) => decodeURIComponent(r.path))).toEqual([
      `/repos/acme/tool/attestations/sha256:${ATTESTED}`,
      `/repos/acme/tool/attestations/sha256:${ATTESTED}`,
    ]);
    expect(gh.requests[1]?.headers.authorization).toBe(`Bearer ${SECRET}`);
  });

  it('answers undefined when GitHub holds none (404)', async () => {
    const answer = await client().getAttestations({
      owner: 'acme',
      name: 'tool',
      sha256: 'cd'.repeat(32),
      token: undefined,
    });
    expect(answer).toBeUndefined();
  });

  it('names the source of a rejected token', async () => {
    const error = await failure(
      client().getAttestations({ owner: 'acme', name: 'tool', sha256: ATTESTED, token: badToken }),
    );
    expect(error).toBeInstanceOf(TokenRejectedError);
    expect(errorText(error)).not.toContain(badToken.value);
  });
});
