import { get, type IncomingMessage } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../../tools/fake-github/index.js';
import { collect, makeTempDir, writeAssetFile } from './helpers.js';

describe('fake GitHub', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let gh: FakeGitHub;

  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir());
    const file = await writeAssetFile(dir, 'tool', Buffer.from('hello tool'));
    gh = await startFakeGitHub({
      repos: [
        {
          owner: 'o',
          name: 'r',
          releases: Array.from({ length: 5 }, (_, i) => ({
            tag: `v1.${4 - i}.0`,
            assets: [{ name: 'tool', file }],
          })),
        },
      ],
      tokens: ['good'],
      rateLimit: { limit: 3 },
    });
  });
  afterEach(async () => {
    await gh.close();
    await cleanup();
  });

  it('gzips API answers for a client that asks, as GitHub does, and only for it', async () => {
    const answer = async (headers: Record<string, string>) => {
      const response = await new Promise<IncomingMessage>((resolve, reject) => {
        get(`${gh.apiUrl}/repos/o/r/releases/tags/v1.4.0`, { headers }, resolve).on('error', reject);
      });
      return { response, body: await collect(response) };
    };
    const plain = await answer({});
    expect(plain.response.headers['content-encoding']).toBeUndefined();
    const gzipped = await answer({ 'accept-encoding': 'gzip, br' });
    expect(gzipped.response.headers['content-encoding']).toBe('gzip');
    expect(gzipped.body.length).toBeLessThan(plain.body.length);
    expect(gunzipSync(gzipped.body).equals(plain.body)).toBe(true);
  });

  it('paginates the release list with a Link header', async () => {
    const response = await fetch(`${gh.apiUrl}/repos/o/r/releases?per_page=2&page=1`);
    expect(response.status).toBe(200);
    expect(response.headers.get('link')).toContain('page=3>; rel="last"');
    const body = (await response.json()) as { tag_name: string }[];
    expect(body.map((r) => r.tag_name)).toEqual(['v1.4.0', 'v1.3.0']);
  });

  it('redirects to a signed storage URL that refuses Authorization and bad signatures', async () => {
    const url = gh.assetUrl('o', 'r', 'v1.4.0', 'tool');
    const redirect = await fetch(url, {
      headers: { accept: 'application/octet-stream' },
      redirect: 'manual',
    });
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get('location') ?? '';
    expect(location.startsWith(gh.storageUrl)).toBe(true);
    expect(location).toMatch(/\?exp=\d+&sig=[0-9a-f]+$/);

    expect(await (await fetch(location)).text()).toBe('hello tool');
    const withAuth = await fetch(location, { headers: { authorization: 'Bearer good' } });
    expect(withAuth.status).toBe(400);
    expect(await withAuth.text()).toContain('Only one auth mechanism allowed');
    // Change the signature's first digit to a different one: replacing it with a fixed digit would leave
    // the signature intact whenever it already began with that digit.
    const tampered = location.replace(/sig=(.)/, (_, digit: string) => `sig=${digit === '0' ? '1' : '0'}`);
    expect(tampered).not.toBe(location);
    expect((await fetch(tampered)).status).toBe(403);
  });

  it('answers 304 to a matching If-None-Match without spending the rate budget', async () => {
    const first = await fetch(`${gh.apiUrl}/repos/o/r/releases/latest`);
    const etag = first.headers.get('etag') ?? '';
    expect(first.headers.get('x-ratelimit-remaining')).toBe('2');
    const second = await fetch(`${gh.apiUrl}/repos/o/r/releases/latest`, {
      headers: { 'if-none-match': etag },
    });
    expect(second.status).toBe(304);
    expect(second.headers.get('x-ratelimit-remaining')).toBe('2');
    await fetch(`${gh.apiUrl}/repos/o/r/releases/latest`);
    await fetch(`${gh.apiUrl}/repos/o/r/releases/latest`);
    const limited = await fetch(`${gh.apiUrl}/repos/o/r/releases/latest`);
    expect(limited.status).toBe(403);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(limited.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    // A token has its own, larger budget.
    const authed = await fetch(`${gh.apiUrl}/repos/o/r/releases/latest`, {
      headers: { authorization: 'token good' },
    });
    expect(authed.status).toBe(200);
    expect(authed.headers.get('x-ratelimit-limit')).toBe('5000');
  });

  it('injects faults by path, origin and count, and records requests', async () => {
    gh.faults.add({ match: '/releases/latest', times: 2, kind: { type: 'status', status: 503 } });
    expect(
      (await fetch(`${gh.apiUrl}/repos/o/r/releases/latest`, { headers: { authorization: 'Bearer bad' } }))
        .status,
    ).toBe(503);
    expect((await fetch(`${gh.apiUrl}/repos/o/r/releases/latest`)).status).toBe(503);
    expect(
      (await fetch(`${gh.apiUrl}/repos/o/r/releases/latest`, { headers: { authorization: 'Bearer bad' } }))
        .status,
    ).toBe(401);
    expect(gh.faults.pending()).toEqual([]);
    expect(gh.requests.map((r) => r.headers.authorization)).toEqual(['Bearer bad', undefined, 'Bearer bad']);
    gh.resetRequests();
    expect(gh.requests).toEqual([]);
  });
});
