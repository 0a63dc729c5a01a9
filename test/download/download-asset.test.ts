import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  downloadAsset,
  type DownloadOptions,
  type DownloadRequest,
} from '../../src/download/download-asset.js';
import { DownloadError, RateLimitError } from '../../src/download/errors.js';
import type { Token } from '../../src/github/token.js';
import { startFakeGitHub, type FakeGitHub } from '../../tools/fake-github/index.js';
import {
  collect,
  errorText,
  fastRetry,
  makeTempDir,
  recordingLogger,
  writeAssetFile,
} from '../github/helpers.js';
import { failure } from '../helpers/failure.js';

const SECRET = 'ghp_downloadTestSecret42';
const token: Token = { value: SECRET, source: 'MY_TOKEN' };
const BIG = 6 * 1024 * 1024;

let gh: FakeGitHub;
let dir: string;
let cleanup: () => Promise<void>;
let small: Buffer;
let bigSha: string;

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
  const smallFile = await writeAssetFile(dir, 'small', 200_000);
  small = await readFile(smallFile);
  const bigFile = await writeAssetFile(dir, 'big', BIG);
  bigSha = createHash('sha256')
    .update(await readFile(bigFile))
    .digest('hex');
  gh = await startFakeGitHub({
    tokens: [SECRET],
    repos: [
      {
        owner: 'o',
        name: 'pub',
        releases: [
          {
            tag: 'v1',
            assets: [
              { name: 'small', file: smallFile },
              { name: 'big', file: bigFile },
              { name: 'direct', file: smallFile, delivery: 'direct' },
            ],
          },
        ],
      },
      {
        owner: 'o',
        name: 'priv',
        private: true,
        releases: [{ tag: 'v1', assets: [{ name: 'small', file: smallFile }] }],
      },
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

const sha = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

function request(repo: string, name: string, tok: Token | undefined = undefined): DownloadRequest {
  return { url: gh.assetUrl('o', repo, 'v1', name), token: tok, label: `${name} from o/${repo} v1` };
}

/** The token's origin comes from configuration (BP_GITHUB_API_URL): here, the look-alike's API. */
function download<T>(
  req: DownloadRequest,
  consume: (body: Readable) => Promise<T>,
  options: DownloadOptions,
) {
  return downloadAsset(req, consume, { apiUrl: gh.apiUrl, ...options });
}

describe('downloadAsset', () => {
  it('follows the 302 to storage, with the token only on the API origin', async () => {
    const { logger, lines } = recordingLogger();
    const result = await download(request('priv', 'small', token), collect, {
      retry: fastRetry,
      logger,
    });
    expect(result.value.equals(small)).toBe(true);
    expect(result.sha256).toBe(sha(small));
    expect(result.bytes).toBe(small.length);
    const [api, storage] = gh.requests;
    expect(api?.origin).toBe('api');
    expect(api?.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(api?.headers.accept).toBe('application/octet-stream');
    expect(storage?.origin).toBe('storage');
    expect(
      gh.requests.filter((r) => r.origin === 'storage').every((r) => r.headers.authorization === undefined),
    ).toBe(true);
    expect(
      lines.some((line) => line.includes('redirect to 127.0.0.1') && line.includes('Authorization dropped')),
    ).toBe(true);
    // Debug lines show the storage URL without its signed query.
    expect(lines.join('\n')).not.toMatch(/sig=|exp=/);
  });

  it('takes a 200 answered by the API origin directly', async () => {
    const result = await download(request('pub', 'direct', token), collect, {
      retry: fastRetry,
      logger: recordingLogger().logger,
    });
    expect(result.sha256).toBe(sha(small));
    expect(gh.requests.map((r) => r.origin)).toEqual(['api']);
  });

  it('streams a multi-MB asset to disk with the right sha256', async () => {
    const target = join(dir, 'big.out');
    const result = await download(
      { ...request('pub', 'big'), expectedSize: BIG },
      (body) => pipeline(body, createWriteStream(target)),
      { retry: fastRetry, logger: recordingLogger().logger },
    );
    expect(result.bytes).toBe(BIG);
    expect(result.sha256).toBe(bigSha);
    expect(sha(await readFile(target))).toBe(bigSha);
  });

  it('hashes the whole body even when the consumer stops reading early', async () => {
    const result = await download(
      request('pub', 'big'),
      (body: Readable) =>
        new Promise<number>((resolve) => {
          body.once('data', (chunk: Buffer) => {
            body.pause();
            resolve(chunk.length);
          });
        }),
      { retry: fastRetry, logger: recordingLogger().logger },
    );
    expect(result.value).toBeGreaterThan(0);
    expect(result.bytes).toBe(BIG);
    expect(result.sha256).toBe(bigSha);
  });

  it('reports a consumer that destroys the body, without retrying', async () => {
    const error = await failure(
      download(
        request('pub', 'big'),
        async (body: Readable) => {
          for await (const chunk of body) return (chunk as Buffer).length;
          return 0;
        },
        { retry: fastRetry, logger: recordingLogger().logger },
      ),
    );
    expect(error).toBeInstanceOf(DownloadError);
    expect(error.message).toContain('the consumer closed the body before its end');
    expect(gh.requests.filter((r) => r.origin === 'api')).toHaveLength(1);
  });

  for (const [name, kind] of [
    ['a 503 from storage', { type: 'status', status: 503 }],
    ['a reset mid-body', { type: 'reset-mid-body' }],
    ['a truncated body', { type: 'truncate' }],
  ] as const) {
    it(`retries ${name} from the API URL with a fresh consumer`, async () => {
      gh.faults.add({ match: /^\/assets\//, origin: 'storage', times: 2, kind });
      const consumed: number[] = [];
      const retries: number[] = [];
      const result = await download(
        request('pub', 'small', token),
        async (body) => {
          const bytes = await collect(body);
          consumed.push(bytes.length);
          return bytes;
        },
        { retry: fastRetry, logger: recordingLogger().logger, onRetry: (attempt) => retries.push(attempt) },
      );
      expect(result.sha256).toBe(sha(small));
      expect(result.value.equals(small)).toBe(true);
      expect(retries).toEqual([1, 2]);
      expect(consumed.at(-1)).toBe(small.length);
      // Each attempt starts at the API again, for a fresh signed URL.
      expect(gh.requests.filter((r) => r.origin === 'api')).toHaveLength(3);
      expect(gh.requests.every((r) => r.origin === 'api' || r.headers.authorization === undefined)).toBe(
        true,
      );
    });
  }

  it('gives up after the attempts, naming the label, status and attempts', async () => {
    gh.faults.add({ match: '/releases/assets/', times: 10, kind: { type: 'status', status: 500 } });
    const error = await failure(
      download(request('pub', 'small'), collect, { retry: fastRetry, logger: recordingLogger().logger }),
    );
    expect(error).toBeInstanceOf(DownloadError);
    expect(error.message).toContain('Could not download small from o/pub v1');
    expect(error.message).toContain('HTTP 500');
    expect(error.message).toContain('after 4 attempts');
  });

  for (const [status, expected] of [
    [404, 'private'],
    [401, 'rejected'],
    [400, 'HTTP 400'],
  ] as const) {
    it(`does not retry a ${status}`, async () => {
      gh.faults.add({ match: '/releases/assets/', kind: { type: 'status', status } });
      const error = await failure(
        download(request('pub', 'small', status === 401 ? token : undefined), collect, {
          retry: fastRetry,
          logger: recordingLogger().logger,
        }),
      );
      expect(error).toBeInstanceOf(DownloadError);
      expect((error as DownloadError).status).toBe(status);
      expect(error.message).toContain(expected);
      expect(error.message).toContain('after 1 attempt');
      expect(gh.requests).toHaveLength(1);
    });
  }

  it('fails at once on a private asset without a token, suggesting one', async () => {
    const error = await failure(
      download(request('priv', 'small'), collect, {
        retry: fastRetry,
        logger: recordingLogger().logger,
      }),
    );
    expect(error.message).toContain('HTTP 404');
    expect(error.message).toContain('token_env');
  });

  it('waits out a rate limit within the cap, logging the wait', async () => {
    const { logger, lines } = recordingLogger();
    gh.faults.add({ match: '/releases/assets/', kind: { type: 'rate-limit', resetInSeconds: 1 } });
    const began = Date.now();
    const result = await download(request('pub', 'small'), collect, { retry: fastRetry, logger });
    expect(result.sha256).toBe(sha(small));
    expect(Date.now() - began).toBeGreaterThanOrEqual(200);
    expect(lines.filter((line) => line.startsWith('  GitHub rate limit reached; waiting'))).toHaveLength(1);
  });

  it('fails beyond the wait cap with a RateLimitError', async () => {
    gh.faults.add({
      match: '/releases/assets/',
      kind: { type: 'secondary-rate-limit', retryAfterSeconds: 600 },
    });
    const error = await failure(
      download(request('pub', 'small'), collect, { retry: fastRetry, logger: recordingLogger().logger }),
    );
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.message).toContain('secondary rate limit reached while downloading small from o/pub v1');
    expect(error.message).toContain('(in about 10 min)');
    expect(error.message).toContain('GITHUB_TOKEN');
  });

  it('times out a stalled body and retries', async () => {
    gh.faults.add({
      match: /^\/assets\//,
      origin: 'storage',
      kind: { type: 'delay', ms: 3_000, phase: 'body', afterBytes: 1000 },
    });
    const retries: unknown[] = [];
    const result = await download(request('pub', 'small'), collect, {
      retry: { ...fastRetry, readTimeoutMs: 200 },
      logger: recordingLogger().logger,
      onRetry: (_, error) => retries.push(error),
    });
    expect(result.sha256).toBe(sha(small));
    expect(retries).toHaveLength(1);
    expect(String((retries[0] as { code?: string }).code)).toBe('UND_ERR_BODY_TIMEOUT');
  });

  it('reports a body shorter than the expected size', async () => {
    const error = await failure(
      download({ ...request('pub', 'small'), expectedSize: small.length + 1 }, collect, {
        retry: { ...fastRetry, attempts: 2 },
        logger: recordingLogger().logger,
      }),
    );
    expect(error.message).toContain(`the body ended early (${small.length} of ${small.length + 1} bytes)`);
  });

  it('does not retry when the consumer itself fails', async () => {
    const error = await failure(
      download(
        request('pub', 'small'),
        async () => {
          throw new Error('disk full');
        },
        { retry: fastRetry, logger: recordingLogger().logger },
      ),
    );
    expect(error).toBeInstanceOf(DownloadError);
    expect(error.message).toContain('disk full');
    expect(gh.requests.filter((r) => r.origin === 'api')).toHaveLength(1);
  });

  it('reads file:// mirrors with the same hashing', async () => {
    const url = pathToFileURL(join(dir, 'small')).href;
    const result = await download({ url, token: undefined, label: 'small from a mirror' }, collect, {
      retry: fastRetry,
      logger: recordingLogger().logger,
    });
    expect(result.sha256).toBe(sha(small));
    const missing = await failure(
      download({ url: `${url}-missing`, token: undefined, label: 'gone' }, collect, {
        retry: fastRetry,
        logger: recordingLogger().logger,
      }),
    );
    expect(missing).toBeInstanceOf(DownloadError);
    expect(missing.message).toContain('ENOENT');
  });

  it('never lets the token or a signed query into logs or errors', async () => {
    const { logger, lines } = recordingLogger();
    const texts: string[] = [];
    const run = async (req: DownloadRequest, retry = fastRetry) => {
      try {
        await download(req, collect, { retry, logger });
      } catch (error) {
        texts.push(errorText(error));
      }
    };
    gh.faults.add({
      match: /^\/assets\//,
      origin: 'storage',
      times: 4,
      kind: { type: 'status', status: 503 },
    });
    await run(request('priv', 'small', token));
    gh.faults.add({ match: /^\/assets\//, origin: 'storage', times: 4, kind: { type: 'reset-mid-body' } });
    await run(request('priv', 'small', token));
    gh.faults.add({
      match: /^\/assets\//,
      origin: 'storage',
      kind: { type: 'status', status: 403, body: 'denied' },
    });
    await run(request('priv', 'small', token));
    gh.faults.add({ match: '/releases/assets/', kind: { type: 'rate-limit', resetInSeconds: 3600 } });
    await run(request('priv', 'small', token));
    await run(request('priv', 'small', { value: `${SECRET}-bad`, source: 'MY_TOKEN' }));
    await run({ url: `${gh.apiUrl}/repos/o/priv/releases/assets/999`, token, label: 'nope' });
    gh.faults.add({ match: /^\/assets\//, origin: 'storage', kind: { type: 'delay', ms: 3_000 } });
    await run(request('priv', 'small', token), { ...fastRetry, attempts: 1, readTimeoutMs: 100 });
    expect(texts).toHaveLength(7);
    for (const text of [...texts, ...lines]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toMatch(/sig=[0-9a-f]/);
    }
  });
});
