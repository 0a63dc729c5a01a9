/**
 * The fetch octokit is given: the parts of a Response octokit reads, from a real loopback server. The
 * redirect and token rules, caps and retries are covered through the client (client.test.ts,
 * hostile-network.test.ts).
 */
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Agent } from 'undici';
import { readCapped, ReadLimitExceeded } from '../../src/download/bounded-read.js';
import { apiFetch } from '../../src/github/api-fetch.js';
import { createGitHubClient } from '../../src/github/client.js';
import { GitHubApiError } from '../../src/github/errors.js';
import { failure } from '../helpers/failure.js';
import { startServer, type TestServer } from '../download/test-server.js';
import { fastRetry, recordingLogger } from './helpers.js';

let server: TestServer | undefined;
const dispatcher = new Agent();
afterEach(async () => {
  await server?.close();
  server = undefined;
});
afterAll(() => dispatcher.close());

describe('apiFetch', () => {
  it('hands over headers as octokit reads them: iterated, repeated ones joined, get() in any case', async () => {
    server = await startServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.setHeader('x-repeated', ['one', 'two']);
      res.setHeader('etag', 'W/"abc"');
      res.end('{"ok":true}');
    });
    const answer = await apiFetch(server.url, dispatcher, 1024 * 1024)(`${server.url}/repos/o/r`);
    expect(answer.status).toBe(200);
    expect(answer.url).toBe(`${server.url}/repos/o/r`);
    const headers = Object.fromEntries(answer.headers);
    expect(headers['x-repeated']).toBe('one, two');
    expect(headers['etag']).toBe('W/"abc"');
    expect(answer.headers.get('Content-Type')).toBe('application/json');
    expect(answer.headers.get('x-missing')).toBeNull();
    expect(JSON.parse(await answer.text())).toEqual({ ok: true });
  });

  it('gives a success body as a stream, and an error body read already, as text and as bytes', async () => {
    server = await startServer((req, res) => {
      res.statusCode = req.url === '/fine' ? 200 : 422;
      res.end(req.url === '/fine' ? 'streamed' : '{"message":"Validation Failed"}');
    });
    const fetch = apiFetch(server.url, dispatcher, 1024 * 1024);
    const fine = await fetch(`${server.url}/fine`);
    expect(Buffer.isBuffer(fine.body)).toBe(false);
    expect((await readCapped(fine.body as AsyncIterable<Uint8Array>, 1024, 'refuse')).toString()).toBe(
      'streamed',
    );

    const failed = await fetch(`${server.url}/broken`);
    expect(failed.status).toBe(422);
    expect(Buffer.isBuffer(failed.body)).toBe(true);
    expect(await failed.text()).toBe('{"message":"Validation Failed"}');
    expect(Buffer.from(await failed.arrayBuffer()).toString()).toBe('{"message":"Validation Failed"}');
  });

  it('refuses to read a success as a whole past the answer cap', async () => {
    server = await startServer((_req, res) => res.end('x'.repeat(2048)));
    const answer = await apiFetch(server.url, dispatcher, 1024)(`${server.url}/big`);
    await expect(answer.text()).rejects.toBeInstanceOf(ReadLimitExceeded);
  });

  it('follows a redirect on the API origin with the token, and gives the final URL', async () => {
    server = await startServer((req, res) => {
      if (req.url === '/repos/old/r') {
        res.writeHead(301, { location: '/repositories/42' });
        res.end();
        return;
      }
      res.end('{}');
    });
    const answer = await apiFetch(
      server.url,
      dispatcher,
      1024 * 1024,
    )(`${server.url}/repos/old/r`, {
      headers: { authorization: 'Bearer t' },
    });
    expect(answer.url).toBe(`${server.url}/repositories/42`);
    expect(server.requests.map((request) => request.authorization)).toEqual(['Bearer t', 'Bearer t']);
  });

  for (const [encoding, compress] of [
    ['gzip', gzipSync],
    ['br', brotliCompressSync],
  ] as const) {
    it(`asks for compressed answers and decodes ${encoding}, on success and on error`, async () => {
      const seen: (string | undefined)[] = [];
      server = await startServer((req, res) => {
        seen.push(req.headers['accept-encoding']);
        res.writeHead(req.url === '/fine' ? 200 : 404, {
          'content-type': 'application/json',
          'content-encoding': encoding,
        });
        res.end(compress(JSON.stringify({ message: req.url === '/fine' ? 'a release' : 'Not Found' })));
      });
      const fetch = apiFetch(server.url, dispatcher, 1024 * 1024);
      expect(JSON.parse(await (await fetch(`${server.url}/fine`)).text())).toEqual({ message: 'a release' });
      expect(JSON.parse(await (await fetch(`${server.url}/gone`)).text())).toEqual({ message: 'Not Found' });
      expect(seen).toEqual(['gzip, br', 'gzip, br']);
    });
  }

  it('caps the decoded answer, so a small compressed answer cannot inflate past the cap', async () => {
    const inflated = `{"id":1,"tag_name":"v1","assets":[${'{"name":"x"},'.repeat(400_000)}{}]}`;
    const wire = gzipSync(inflated);
    server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(wire);
    });
    expect(wire.length).toBeLessThan((1024 * 1024) / 10);
    const client = createGitHubClient({
      apiUrl: server.url,
      logger: recordingLogger().logger,
      retry: fastRetry,
      userAgent: 'test',
      maxAnswerBytes: 1024 * 1024,
    });
    const error = await failure(
      client.resolveRelease({ owner: 'o', name: 'r', tag: 'v1', token: undefined }),
    );
    expect(error).toBeInstanceOf(GitHubApiError);
    expect(error.message).toContain('the answer is larger than 1 MiB');
  });
});
