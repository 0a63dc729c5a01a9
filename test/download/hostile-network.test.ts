/**
 * Answers a well-behaved GitHub never gives: URLs pointing at other hosts, redirects away from the API,
 * loops, file:// targets, floods and trickles, tokens that are not header-safe. The token must reach only
 * the configured API origin; every read must end; every refusal must say what happened, at once.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { downloadAsset } from '../../src/download/download-asset.js';
import { DownloadError } from '../../src/download/errors.js';
import { createGitHubClient } from '../../src/github/client.js';
import { GitHubApiError } from '../../src/github/errors.js';
import type { Token } from '../../src/github/token.js';
import { collect, fastRetry, makeTempDir, recordingLogger } from '../github/helpers.js';
import { failure } from '../helpers/failure.js';
import { releaseJson, startServer, type TestServer } from './test-server.js';

const SECRET = 'ghp_hostileNetworkSecret';
const token: Token = { value: SECRET, source: 'GITHUB_TOKEN' };
const BODY = Buffer.from('the asset bytes\n');

let servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});
async function serve(...args: Parameters<typeof startServer>): Promise<TestServer> {
  const server = await startServer(...args);
  servers.push(server);
  return server;
}

const client = (apiUrl: string, maxAnswerBytes?: number) =>
  createGitHubClient({
    apiUrl,
    logger: recordingLogger().logger,
    retry: fastRetry,
    userAgent: 'test',
    maxAnswerBytes,
  });
const download = (url: string, apiUrl: string, tok: Token | undefined = token, extra = {}) =>
  downloadAsset(
    { url, token: tok, label: 'tool from o/r v1', expectedSize: BODY.length, ...extra },
    collect,
    {
      retry: fastRetry,
      logger: recordingLogger().logger,
      apiUrl,
    },
  );

describe('the token goes to the configured API origin only', () => {
  it('is not sent to an asset url or browser_download_url that the release answer points elsewhere', async () => {
    // A second host on the same IP with another port, and the API's own port under another host name.
    const elsewhere = await serve((_req, res) => res.end(BODY));
    let apiPort = 0;
    const api = await serve((req, res) => {
      if (req.url?.startsWith('/repos/')) {
        res.setHeader('content-type', 'application/json');
        res.end(
          releaseJson(`${elsewhere.url}/asset`, `http://localhost:${apiPort}/download/tool`, BODY.length),
        );
      } else res.end(BODY);
    });
    apiPort = api.port;
    const result = await client(api.url).resolveRelease({ owner: 'o', name: 'r', tag: 'v1', token });
    if (result.status !== 'ok') throw new Error('expected ok');
    const [asset] = result.release.assets;
    if (asset === undefined) throw new Error('expected an asset');
    expect(api.requests[0]?.authorization).toBe(`Bearer ${SECRET}`);

    for (const url of [asset.apiUrl, asset.browserDownloadUrl]) {
      const downloaded = await download(url, api.url);
      expect(downloaded.value.equals(BODY)).toBe(true);
    }
    expect(elsewhere.requests).toEqual([{ path: '/asset', authorization: undefined }]);
    expect(api.requests.slice(1)).toEqual([{ path: '/download/tool', authorization: undefined }]);
  });

  it('is dropped when the API request is redirected to another origin, and stays dropped', async () => {
    const other = await serve((req, res) => {
      if (req.url === '/back') {
        res.writeHead(302, { location: `${api.url}/final` }).end();
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(releaseJson('http://127.0.0.1:9/a', 'http://127.0.0.1:9/b', 1));
    });
    const api: TestServer = await serve((req, res) => {
      res.writeHead(302, { location: `${other.url}/moved${req.url ?? ''}` }).end();
    });
    const result = await client(api.url).resolveRelease({ owner: 'o', name: 'r', tag: 'v1', token });
    expect(result.status).toBe('ok');
    expect(api.requests[0]?.authorization).toBe(`Bearer ${SECRET}`);
    expect(other.requests).toEqual([{ path: '/moved/repos/o/r/releases/tags/v1', authorization: undefined }]);
  });

  it('sends a mirror URL’s user:password to that mirror only, as Basic credentials', async () => {
    const storage = await serve((_req, res) => res.end(BODY));
    const mirror = await serve((_req, res) => res.writeHead(302, { location: `${storage.url}/blob` }).end());
    const url = `http://mirror-user:s3cret@127.0.0.1:${mirror.port}/tool`;
    const result = await download(url, 'https://api.github.com', undefined);
    expect(result.value.equals(BODY)).toBe(true);
    expect(mirror.requests[0]?.authorization).toBe(
      `Basic ${Buffer.from('mirror-user:s3cret').toString('base64')}`,
    );
    expect(storage.requests[0]?.authorization).toBeUndefined();
  });
});

describe('every read is bounded', () => {
  it('refuses an API answer past the cap, without retrying, naming the variable', async () => {
    const api = await serve((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.write('{"id":1,"tag_name":"v1","assets":[');
      const item = `${JSON.stringify({ id: 1, name: 'x'.repeat(1000) })},`;
      for (let i = 0; i < 3000; i++) res.write(item);
      res.end('{}]}');
    });
    const error = await failure(
      client(api.url, 1024 * 1024).resolveRelease({ owner: 'o', name: 'r', tag: 'v1', token: undefined }),
    );
    expect(error).toBeInstanceOf(GitHubApiError);
    expect(error.message).toContain('the answer is larger than 1 MiB');
    expect(error.message).toContain('BP_GITHUB_ASSETS_MAX_API_BYTES');
    expect(api.requests).toHaveLength(1);
  });

  for (const side of ['API', 'download'] as const) {
    it(`reads only the start of a flood of an error body (${side})`, async () => {
      const TOTAL = 256 * 1024 * 1024;
      let written = 0;
      let closed: () => void = () => undefined;
      const done = new Promise<void>((resolve) => (closed = resolve));
      const flood = await serve((_req, res) => {
        res.writeHead(400, { 'content-type': 'text/plain' });
        const chunk = Buffer.alloc(64 * 1024, 'e');
        const pump = (): void => {
          while (written < TOTAL) {
            written += chunk.length;
            if (!res.write(chunk)) {
              res.once('drain', pump);
              return;
            }
          }
          res.end();
        };
        res.on('close', closed);
        pump();
      });
      const attempt =
        side === 'API'
          ? client(flood.url).resolveRelease({ owner: 'o', name: 'r', tag: 'v1', token: undefined })
          : download(`${flood.url}/asset`, flood.url);
      const error = await failure(attempt);
      expect(error.message).toContain('HTTP 400');
      await done;
      expect(written).toBeLessThan(TOTAL / 4);
    });
  }

  it('refuses a body that runs past the size the release announced, at once', async () => {
    const storage = await serve((_req, res) => {
      // Chunked, so only the announced size can stop it.
      for (let i = 0; i < 64; i++) res.write(Buffer.alloc(64 * 1024, 'a'));
      res.end();
    });
    const error = await failure(download(`${storage.url}/asset`, storage.url));
    expect(error).toBeInstanceOf(DownloadError);
    expect(error.message).toContain(`the body runs past the ${BODY.length} bytes the release announced`);
    expect(storage.requests).toHaveLength(1);
  });

  it('refuses a file:// mirror that is a FIFO instead of blocking on it', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      const fifo = join(dir, 'tool');
      execFileSync('mkfifo', [fifo]);
      const error = await failure(download(pathToFileURL(fifo).href, 'https://api.github.com', undefined));
      expect(error).toBeInstanceOf(DownloadError);
      expect(error.message).toContain(`${fifo} is not a regular file`);
    } finally {
      await cleanup();
    }
  });

  it('gives a trickling body an overall deadline that scales with its size', async () => {
    const timers: NodeJS.Timeout[] = [];
    const storage = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '200' });
      // A byte every 100 ms: each gap is far below the read timeout, the whole far beyond the deadline.
      timers.push(setInterval(() => res.write('x'), 100));
    });
    const error = await failure(
      downloadAsset(
        { url: `${storage.url}/asset`, token: undefined, label: 'slow', expectedSize: 200 },
        collect,
        {
          retry: { ...fastRetry, readTimeoutMs: 500 },
          logger: recordingLogger().logger,
          minBytesPerSecond: 1000,
        },
      ),
    );
    timers.forEach(clearInterval);
    expect(error).toBeInstanceOf(DownloadError);
    expect(error.message).toMatch(/did not finish within 1 s, the time allowed for 200 bytes/);
    expect(error.message).toContain('BP_GITHUB_ASSETS_MIN_SPEED');
    expect(storage.requests).toHaveLength(1);
  });
});

describe('permanent failures fail at once, in words', () => {
  for (const [what, value] of [
    ['a newline', `${SECRET}\n`],
    ['a non-Latin-1 character', `${SECRET}€`],
  ] as const) {
    it(`refuses a token with ${what} before any request`, async () => {
      const api = await serve((_req, res) => res.end('{}'));
      const bad: Token = { value, source: 'MY_TOKEN' };
      const errors = [
        await failure(client(api.url).resolveRelease({ owner: 'o', name: 'r', tag: 'v1', token: bad })),
        await failure(download(`${api.url}/asset`, api.url, bad)),
      ];
      for (const error of errors) {
        expect(error.message).toMatch(
          /^The token from MY_TOKEN contains (a line break|the character U\+20AC) at its end/,
        );
        expect(error.message).not.toContain('HTTPS_PROXY');
        expect(error.message).not.toContain(SECRET);
      }
      expect(api.requests).toHaveLength(0);
    });
  }

  it('refuses a redirect to file:// and a redirect loop, after one attempt, in both clients', async () => {
    const server = await serve((req, res) => {
      const location = req.url?.includes('file')
        ? 'file:///etc/passwd'
        : req.url?.endsWith('/b')
          ? '/loop/a'
          : '/loop/b';
      const hop = /^\/chain\/(\d+)/.exec(req.url ?? '')?.[1];
      res.writeHead(302, { location: hop === undefined ? location : `/chain/${Number(hop) + 1}` }).end();
    });
    // Each attempt starts only when awaited: a refusal that came before its turn would be an unhandled rejection.
    const cases = [
      [() => download(`${server.url}/chain/0`, server.url), 'more than 5 redirects'],
      [() => download(`${server.url}/file`, server.url), 'a redirect to a file:// URL, refused'],
      [() => download(`${server.url}/loop/a`, server.url), 'a redirect loop'],
      [
        () => client(`${server.url}/file`).resolveRelease({ owner: 'o', name: 'r', tag: 'v1', token }),
        'a redirect to a file:// URL',
      ],
      [
        () => client(`${server.url}/loop`).resolveRelease({ owner: 'o', name: 'r', tag: 'v1', token }),
        'a redirect loop',
      ],
    ] as const;
    for (const [attempt, words] of cases) {
      const error = await failure(attempt());
      expect(error.message).toContain(words);
      expect(error.message).toMatch(/after 1 attempt/);
    }
  });
});
