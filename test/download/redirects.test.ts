/**
 * The one redirect and credential policy both HTTP clients follow (requestFollowingRedirects), on real
 * loopback servers: two origins, so a hop can leave the credential's origin and come back. The refusals
 * (loops, too many hops, file://) are covered through both clients in hostile-network.test.ts.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Agent } from 'undici';
import { requestFollowingRedirects, type RedirectHop } from '../../src/download/redirects.js';
import { apiFetch } from '../../src/github/api-fetch.js';
import { startServer, type TestServer } from './test-server.js';

const dispatcher = new Agent();
let servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});
afterAll(() => dispatcher.close());

/**
 * An API origin whose /start redirects to another origin, which redirects back to the API's /final: the
 * path a credential must not follow back.
 */
async function awayAndBack(): Promise<{ api: TestServer; elsewhere: TestServer }> {
  const elsewhere = await startServer((_req, res) => {
    res.writeHead(302, { location: `${api.url}/final` });
    res.end('moved');
  });
  const api: TestServer = await startServer((req, res) => {
    if (req.url === '/start') {
      res.writeHead(302, { location: `${elsewhere.url}/hop` });
      res.end('moved');
      return;
    }
    res.end('done');
  });
  servers.push(api, elsewhere);
  return { api, elsewhere };
}

describe('requestFollowingRedirects', () => {
  it('sends the credential to its origin only, and not again once a hop has left it', async () => {
    const { api, elsewhere } = await awayAndBack();
    const hops: RedirectHop[] = [];
    const { url, response } = await requestFollowingRedirects(
      dispatcher,
      new URL(`${api.url}/start`),
      { method: 'GET', headers: { 'user-agent': 'test' } },
      { authorization: 'Bearer secret', origin: api.url },
      (hop) => hops.push(hop),
    );
    expect(await response.body.text()).toBe('done');
    expect(url.href).toBe(`${api.url}/final`);
    expect(api.requests.map((r) => [r.path, r.authorization])).toEqual([
      ['/start', 'Bearer secret'],
      ['/final', undefined],
    ]);
    expect(elsewhere.requests.map((r) => r.authorization)).toEqual([undefined]);
    expect(hops.map((hop) => [hop.status, hop.withCredential, hop.redirect?.credentialDropped])).toEqual([
      [302, true, true],
      [302, false, false],
      [200, false, undefined],
    ]);
  });

  it('keeps the credential through redirects that stay on its origin', async () => {
    const api = await startServer((req, res) => {
      if (req.url === '/a') {
        res.writeHead(307, { location: '/b' });
        res.end();
        return;
      }
      res.end('b');
    });
    servers.push(api);
    await requestFollowingRedirects(
      dispatcher,
      new URL(`${api.url}/a`),
      { method: 'GET', headers: {} },
      { authorization: 'Bearer secret', origin: api.url },
    ).then(({ response }) => response.body.dump());
    expect(api.requests.map((r) => r.authorization)).toEqual(['Bearer secret', 'Bearer secret']);
  });

  it("holds for octokit's token too, whatever the case of its header", async () => {
    const { api } = await awayAndBack();
    const answer = await apiFetch(
      api.url,
      dispatcher,
      1024,
    )(`${api.url}/start`, {
      headers: { Authorization: 'token secret' },
    });
    expect(await answer.text()).toBe('done');
    expect(api.requests.map((r) => r.authorization)).toEqual(['token secret', undefined]);
  });
});
