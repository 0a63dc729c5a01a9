/**
 * The client against answers GitHub really sent: the recordings of @octokit/fixtures (release, renamed
 * repository, error bodies), replayed byte for byte from a loopback server, with api.github.com rewritten to
 * the server's address.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../src/github/client.js';
import { GitHubApiError, RepoNotFoundError } from '../../src/github/errors.js';
import type { Token } from '../../src/github/token.js';
import { failure } from '../helpers/failure.js';
import { fastRetry, recordingLogger } from './helpers.js';

interface Recording {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly response: unknown;
  readonly headers: Readonly<Record<string, string | number>>;
}

const scenarios = join(
  dirname(createRequire(import.meta.url).resolve('@octokit/fixtures/package.json')),
  'scenarios/api.github.com',
);

function recordings(scenario: string): Recording[] {
  return JSON.parse(
    readFileSync(join(scenarios, scenario, 'normalized-fixture.json'), 'utf8'),
  ) as Recording[];
}

function recorded(scenario: string, method: string, path: string | RegExp, status?: number): Recording {
  const found = recordings(scenario).find(
    (r) =>
      r.method === method &&
      (typeof path === 'string' ? r.path === path : path.test(r.path)) &&
      (status === undefined || r.status === status),
  );
  if (found === undefined) throw new Error(`no recording ${method} ${String(path)} in ${scenario}`);
  return found;
}

interface Replay {
  readonly apiUrl: string;
  readonly requests: { path: string; headers: IncomingHttpHeaders }[];
}

let servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  servers = [];
});

/** Serves `routes` (path → recording, or a function of the path); api.github.com becomes this server. */
async function replay(routes: (path: string) => Recording | undefined): Promise<Replay> {
  const requests: Replay['requests'] = [];
  let origin = '';
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push({ path, headers: req.headers });
    const recording = routes(path.split('?')[0] ?? path);
    if (recording === undefined) {
      res.writeHead(599).end();
      return;
    }
    const rewrite = (text: string): string => text.replaceAll('https://api.github.com', origin);
    const body =
      typeof recording.response === 'string'
        ? recording.response
        : rewrite(JSON.stringify(recording.response));
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(recording.headers)) {
      // The recording's length is of the body before normalisation; keep-alive is the server's business.
      if (name === 'content-length' || name === 'connection') continue;
      headers[name] = rewrite(String(value));
    }
    res.writeHead(recording.status, headers).end(body);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { apiUrl: origin, requests };
}

const token: Token = { value: 'ghp_recordedAnswersSecret', source: 'GITHUB_TOKEN' };
const client = (apiUrl: string) =>
  createGitHubClient({ apiUrl, logger: recordingLogger().logger, retry: fastRetry, userAgent: 'test' });

const ORG = 'octokit-fixture-org';

describe('the client against GitHub’s recorded answers', () => {
  it('reads a recorded release, with the recorded assets of that release', async () => {
    const release = recorded('release-assets', 'get', `/repos/${ORG}/release-assets/releases/tags/v1.0.0`);
    const assets = recorded('release-assets', 'get', `/repos/${ORG}/release-assets/releases/1000/assets`);
    const gh = await replay((path) =>
      path === release.path
        ? { ...release, response: { ...(release.response as object), assets: assets.response } }
        : undefined,
    );
    const result = await client(gh.apiUrl).resolveRelease({
      owner: ORG,
      name: 'release-assets',
      tag: 'v1.0.0',
      token,
    });
    if (result.status !== 'ok') throw new Error('expected ok');
    expect(result.release.id).toBe(1000);
    expect(result.release.tag).toBe('v1.0.0');
    expect(result.release.etag).toBe(String(release.headers['etag']));
    expect(result.release.assets).toEqual([
      {
        id: 1000,
        name: 'test-upload.txt',
        size: (assets.response as { size: number }[])[0]?.size,
        // Recorded in 2017, before GitHub reported digests.
        digest: null,
        apiUrl: `${gh.apiUrl}/repos/${ORG}/release-assets/releases/assets/1000`,
        browserDownloadUrl:
          'https://github.com/octokit-fixture-org/release-assets/releases/download/v1.0.0/test-upload.txt',
      },
    ]);
    expect(gh.requests[0]?.headers.authorization).toBe(`Bearer ${token.value}`);
  });

  it('follows the recorded 301 of a renamed repository to its release, keeping the token on the API', async () => {
    const moved = recorded('rename-repository', 'get', `/repos/${ORG}/rename-repository`, 301);
    const release = recorded('release-assets', 'get', `/repos/${ORG}/release-assets/releases/tags/v1.0.0`);
    const gh = await replay((path) => {
      const rest = /^\/repos\/[^/]+\/rename-repository(\/.*)$/.exec(path)?.[1];
      if (rest !== undefined) {
        // GitHub redirects every route under the old name to the same route under /repositories/<id>.
        return {
          ...moved,
          headers: { ...moved.headers, location: `${String(moved.headers['location'])}${rest}` },
        };
      }
      return path === '/repositories/1000/releases/tags/v1.0.0' ? release : undefined;
    });
    const result = await client(gh.apiUrl).resolveRelease({
      owner: ORG,
      name: 'rename-repository',
      tag: 'v1.0.0',
      token,
    });
    expect(result.status === 'ok' && result.release.tag).toBe('v1.0.0');
    expect(gh.requests.map((r) => [r.path, r.headers.authorization])).toEqual([
      [`/repos/${ORG}/rename-repository/releases/tags/v1.0.0`, `Bearer ${token.value}`],
      ['/repositories/1000/releases/tags/v1.0.0', `Bearer ${token.value}`],
    ]);
  });

  it('reports a recorded 422 with GitHub’s own message, without retrying', async () => {
    const invalid = recorded('errors', 'post', `/repos/${ORG}/errors/labels`, 422);
    const gh = await replay(() => invalid);
    const error = await failure(
      client(gh.apiUrl).resolveRelease({ owner: ORG, name: 'errors', tag: 'v1', token: undefined }),
    );
    expect(error).toBeInstanceOf(GitHubApiError);
    expect(error.message).toBe(
      `GitHub API request GET /repos/${ORG}/errors/releases/tags/v1 failed: HTTP 422 (Validation Failed), after 1 attempt.`,
    );
    expect(gh.requests).toHaveLength(1);
  });

  it('reads a recorded 404 body as "not found", and explains a repository it cannot see', async () => {
    const missing = recorded('branch-protection', 'get', /\/protection$/, 404);
    const gh = await replay(() => missing);
    const error = await failure(
      client(gh.apiUrl).resolveRelease({ owner: ORG, name: 'hidden', tag: undefined, token }),
    );
    expect(error).toBeInstanceOf(RepoNotFoundError);
    expect(error.message).toContain(
      `${ORG}/hidden was not found, or the token from GITHUB_TOKEN cannot see it`,
    );
    // latest, the tag literally named "latest", then the list that tells a missing repo from a missing release.
    expect(gh.requests.map((r) => r.path.split('?')[0])).toEqual([
      `/repos/${ORG}/hidden/releases/latest`,
      `/repos/${ORG}/hidden/releases/tags/latest`,
      `/repos/${ORG}/hidden/releases`,
    ]);
  });
});
