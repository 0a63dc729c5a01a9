import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetch } from 'undici';
import { uncompress } from 'snappyjs';
import { startFakeGitHub, type FakeGitHub } from '../../tools/fake-github/index.js';

const TOKEN = 'ghp_attestationsFakeToken000000000000000';
const DIGEST = 'c'.repeat(64);
const BUNDLE = { mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', marker: 'bundle-one' };

let github: FakeGitHub;

beforeAll(async () => {
  github = await startFakeGitHub({
    tokens: [TOKEN],
    repos: [
      { owner: 'acme', name: 'open', releases: [], attestations: [{ sha256: DIGEST, bundle: BUNDLE }] },
      {
        owner: 'acme',
        name: 'hidden',
        private: true,
        releases: [],
        attestations: [{ sha256: DIGEST, bundle: BUNDLE, delivery: 'url' }],
      },
    ],
  });
});

afterAll(async () => {
  await github.close();
});

const get = (path: string, token?: string) =>
  fetch(`${github.apiUrl}${path}`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });

describe('the GitHub look-alike serves the attestations API', () => {
  it('lists a bundle inline for a known digest, and 404 for another digest or a malformed one', async () => {
    const found = await get(`/repos/acme/open/attestations/sha256:${DIGEST}`);
    expect(found.status).toBe(200);
    expect(await found.json()).toEqual({ attestations: [{ bundle: BUNDLE, repository_id: 1 }] });
    expect((await get(`/repos/acme/open/attestations/sha256:${'d'.repeat(64)}`)).status).toBe(404);
    expect((await get(`/repos/acme/open/attestations/${DIGEST}`)).status).toBe(404);
  });

  it('hides a private repository from anonymous callers, and serves its bundle_url snappy-compressed without a token', async () => {
    expect((await get(`/repos/acme/hidden/attestations/sha256:${DIGEST}`)).status).toBe(404);
    const listed = (await (await get(`/repos/acme/hidden/attestations/sha256:${DIGEST}`, TOKEN)).json()) as {
      attestations: { bundle: unknown; bundle_url: string }[];
    };
    const [item] = listed.attestations;
    expect(item?.bundle).toBeNull();
    expect(item?.bundle_url.startsWith(github.storageUrl)).toBe(true);
    const body = new Uint8Array(await (await fetch(item?.bundle_url ?? '')).arrayBuffer());
    expect(JSON.parse(Buffer.from(uncompress(body)).toString('utf8'))).toEqual(BUNDLE);
    // Like S3 behind GitHub's redirects, the storage origin refuses a request that carries a token.
    const withToken = await fetch(item?.bundle_url ?? '', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(withToken.status).toBe(400);
  });
});
