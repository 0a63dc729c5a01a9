/**
 * A GitHub look-alike on loopback for tests, the demo and the benchmark: the REST routes the buildpack uses
 * (releases latest / by tag / list, assets), a separate storage origin behind signed expiring redirects,
 * tokens, private repositories, ETags, rate limits, and scriptable faults.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultRegistry, type FaultKind, type FaultOrigin, type Faults } from './faults.js';
import { compress } from 'snappyjs';
import type { FakeAttestation, FakeRepo, StoredAsset, StoredRelease } from './model.js';
import { compressedIfAsked, jsonReply, notFound, sendReply, type Reply } from './reply.js';

export interface FakeGitHubOptions {
  readonly repos: readonly FakeRepo[];
  /** Accepted tokens (as `Bearer <t>` or `token <t>`); any other token gets 401 Bad credentials. */
  readonly tokens?: readonly string[];
  /** Budget of API requests per client (per remote address unauthenticated, per token otherwise 5,000). */
  readonly rateLimit?: { readonly limit: number; /** default 3600 */ readonly windowSeconds?: number };
  /** Lifetime of the signed storage URLs; default 5 minutes. */
  readonly storageUrlTtlMs?: number;
  /** Port of the API origin; default any free one. The demo fixes it, since the API URL is part of what a layer was built from. */
  readonly apiPort?: number;
}

export interface RecordedRequest {
  readonly origin: FaultOrigin;
  readonly method: string;
  /** Path without the query. */
  readonly path: string;
  /** Path with the query. */
  readonly url: string;
  /** As received, Authorization included, so tests can check where a token went. */
  readonly headers: IncomingHttpHeaders;
}

export interface FakeGitHub {
  /** API origin, e.g. http://127.0.0.1:40123 (use as the API base URL). */
  readonly apiUrl: string;
  readonly storageUrl: string;
  readonly requests: readonly RecordedRequest[];
  resetRequests(): void;
  readonly faults: Faults;
  /** Looks up an asset's id, for building URLs in tests. */
  assetId(owner: string, repo: string, tag: string, name: string): number;
  /** The API URL of an asset (`/repos/{o}/{r}/releases/assets/{id}`). */
  assetUrl(owner: string, repo: string, tag: string, name: string): string;
  close(): Promise<void>;
}

interface Budget {
  used: number;
  resetAt: number;
}

const UNAUTHENTICATED_RATE_LIMIT_MESSAGE =
  "API rate limit exceeded for 127.0.0.1. (But here's the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)";

/** Starts the API and storage servers on 127.0.0.1, random ports. */
export async function startFakeGitHub(options: FakeGitHubOptions): Promise<FakeGitHub> {
  const releases = await storeReleases(options.repos);
  const assets = new Map<number, StoredAsset>();
  for (const release of releases) for (const asset of release.assets) assets.set(asset.id, asset);

  const secret = randomBytes(32);
  const faults = new FaultRegistry();
  const requests: RecordedRequest[] = [];
  const budgets = new Map<string, Budget>();
  const digests = new Map<number, Promise<string>>();
  const closing = new AbortController();
  const ttl = options.storageUrlTtlMs ?? 5 * 60_000;
  const bundles: FakeAttestation[] = [];

  const api = createServer((req, res) => void handle('api', req, res));
  const storage = createServer((req, res) => void handle('storage', req, res));
  const apiUrl = await listen(api, options.apiPort ?? 0);
  const storageUrl = await listen(storage, 0);

  async function handle(origin: FaultOrigin, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    requests.push({
      origin,
      method,
      path: url.pathname,
      url: url.pathname + url.search,
      headers: req.headers,
    });
    // Drain any request body so keep-alive connections stay usable.
    req.resume();
    try {
      const fault = faults.take(origin, method, url.pathname);
      const reply =
        statusFault(fault) ??
        (origin === 'api'
          ? compressedIfAsked(await routeApi(req, url), req.headers['accept-encoding'])
          : routeStorage(req, url));
      await sendReply(res, reply, fault, closing.signal, method === 'HEAD');
    } catch (error) {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`fake-github: ${String(error)}`);
      } else {
        res.destroy();
      }
    }
  }

  async function routeApi(req: IncomingMessage, url: URL): Promise<Reply> {
    const segments = url.pathname
      .split('/')
      .slice(1)
      .map((segment) => decodeURIComponent(segment));
    // github.com's download links live on the web origin: no token check, no API budget.
    if (segments.length === 6 && segments[2] === 'releases' && segments[3] === 'download') {
      const [owner, name, , , tag, assetName] = segments;
      const release = releases.find(
        (r) =>
          r.repo.owner === owner && r.repo.name === name && r.release.tag === tag && r.release.draft !== true,
      );
      const asset = release?.assets.find((a) => a.asset.name === assetName);
      if (release === undefined || asset === undefined || release.repo.private === true) return notFound();
      return redirectToStorage(asset);
    }

    const token = tokenOf(req.headers.authorization);
    if (token !== undefined && !(options.tokens ?? []).includes(token)) {
      return jsonReply(401, {
        message: 'Bad credentials',
        documentation_url: 'https://docs.github.com/rest',
        status: '401',
      });
    }

    const limit = options.rateLimit;
    let budget: Budget | undefined;
    let budgetLimit = 0;
    if (limit !== undefined) {
      const key = token === undefined ? `ip:${req.socket.remoteAddress ?? ''}` : `token:${token}`;
      budgetLimit = token === undefined ? limit.limit : 5000;
      const now = Date.now();
      budget = budgets.get(key);
      if (budget === undefined || budget.resetAt <= now) {
        budget = { used: 0, resetAt: now + (limit.windowSeconds ?? 3600) * 1000 };
        budgets.set(key, budget);
      }
      if (budget.used >= budgetLimit) {
        return jsonReply(
          403,
          {
            message: UNAUTHENTICATED_RATE_LIMIT_MESSAGE,
            documentation_url: 'https://docs.github.com/rest/rate-limit',
          },
          rateLimitHeaders(budgetLimit, budget),
        );
      }
    }

    const reply = await routeRepoApi(req, segments, url, token !== undefined);
    if (budget === undefined) return reply;
    if (reply.status !== 304) budget.used += 1;
    return { ...reply, headers: { ...reply.headers, ...rateLimitHeaders(budgetLimit, budget) } };
  }

  async function routeRepoApi(
    req: IncomingMessage,
    segments: string[],
    url: URL,
    authenticated: boolean,
  ): Promise<Reply> {
    const [repos, owner, name, section, ...rest] = segments;
    if (repos === 'repos' && section === 'attestations' && req.method === 'GET') {
      return attestationsReply(owner, name, rest, authenticated);
    }
    if (repos !== 'repos' || section !== 'releases' || req.method !== 'GET') return notFound();
    const repo = options.repos.find((r) => r.owner === owner && r.name === name);
    if (repo === undefined || (repo.private === true && !authenticated)) return notFound();
    const published = releases.filter((r) => r.repo === repo && r.release.draft !== true);

    if (rest.length === 0) {
      const perPage = Math.min(Math.max(Number(url.searchParams.get('per_page') ?? 30) || 30, 1), 100);
      const page = Math.max(Number(url.searchParams.get('page') ?? 1) || 1, 1);
      const visible = releases.filter((r) => r.repo === repo && (authenticated || r.release.draft !== true));
      const items = visible.slice((page - 1) * perPage, page * perPage);
      const body = await Promise.all(items.map((r) => releaseJson(r)));
      const lastPage = Math.max(Math.ceil(visible.length / perPage), 1);
      const link = (p: number, rel: string): string =>
        `<${apiUrl}${url.pathname}?per_page=${perPage}&page=${p}>; rel="${rel}"`;
      const links = [
        ...(page < lastPage ? [link(page + 1, 'next'), link(lastPage, 'last')] : []),
        ...(page > 1 ? [link(1, 'first'), link(page - 1, 'prev')] : []),
      ];
      return withEtag(req, body, links.length > 0 ? { link: links.join(', ') } : {});
    }
    if (rest.length === 1 && rest[0] === 'latest') {
      const latest =
        published.find((r) => r.release.latest === true) ??
        published.find((r) => r.release.prerelease !== true);
      return latest === undefined ? notFound() : withEtag(req, await releaseJson(latest));
    }
    if (rest[0] === 'tags' && rest.length >= 2) {
      const tag = rest.slice(1).join('/');
      const release = published.find((r) => r.release.tag === tag);
      return release === undefined ? notFound() : withEtag(req, await releaseJson(release));
    }
    if (rest[0] === 'assets' && rest.length === 2) {
      const asset = assets.get(Number(rest[1]));
      if (asset === undefined || asset.release.repo !== repo) return notFound();
      if ((req.headers.accept ?? '').includes('application/octet-stream')) {
        return asset.asset.delivery === 'direct' ? fileReply(asset) : redirectToStorage(asset);
      }
      return withEtag(req, await assetJson(asset));
    }
    if (rest.length === 1 && /^\d+$/.test(rest[0] ?? '')) {
      const release = published.find((r) => r.id === Number(rest[0]));
      return release === undefined ? notFound() : withEtag(req, await releaseJson(release));
    }
    return notFound();
  }

  // GitHub answers 404 for a digest without attestations, and lists each one with its bundle inline or,
  // newer, only a bundle_url on another origin that serves it snappy-compressed.
  function attestationsReply(
    owner: string | undefined,
    name: string | undefined,
    rest: readonly string[],
    authenticated: boolean,
  ): Reply {
    const repo = options.repos.find((r) => r.owner === owner && r.name === name);
    if (repo === undefined || (repo.private === true && !authenticated)) return notFound();
    const digest = /^sha256:([0-9a-f]{64})$/.exec(rest.length === 1 ? (rest[0] ?? '') : '')?.[1];
    const found = (repo.attestations ?? []).filter((a) => a.sha256 === digest);
    if (found.length === 0) return notFound();
    return jsonReply(200, {
      attestations: found.map((attestation) =>
        attestation.delivery === 'url'
          ? {
              bundle: null,
              repository_id: 1,
              bundle_url: `${storageUrl}/bundles/${bundleIndex(attestation)}`,
            }
          : { bundle: attestation.bundle, repository_id: 1 },
      ),
    });
  }

  function bundleIndex(attestation: FakeAttestation): number {
    let index = bundles.indexOf(attestation);
    if (index === -1) index = bundles.push(attestation) - 1;
    return index;
  }

  function routeStorage(req: IncomingMessage, url: URL): Reply {
    if (req.headers.authorization !== undefined) {
      return {
        status: 400,
        headers: { 'content-type': 'application/xml' },
        body: Buffer.from(
          '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified</Message></Error>',
        ),
      };
    }
    const bundle = /^\/bundles\/(\d+)$/.exec(url.pathname);
    if (bundle !== null) {
      const attestation = bundles[Number(bundle[1])];
      if (attestation === undefined) return { status: 404, headers: {}, body: Buffer.from('Not Found') };
      const json = Buffer.from(JSON.stringify(attestation.bundle));
      return {
        status: 200,
        headers: { 'content-type': 'application/x-snappy' },
        body: Buffer.from(compress(json)),
      };
    }
    const match = /^\/assets\/(\d+)\/[^/]+$/.exec(url.pathname);
    const asset = match === null ? undefined : assets.get(Number(match[1]));
    if (asset === undefined) return { status: 404, headers: {}, body: Buffer.from('Not Found') };
    const exp = url.searchParams.get('exp') ?? '';
    const sig = Buffer.from(url.searchParams.get('sig') ?? '', 'hex');
    const expected = sign(asset.id, exp);
    if (sig.length !== expected.length || !timingSafeEqual(sig, expected) || !(Number(exp) > Date.now())) {
      return {
        status: 403,
        headers: { 'content-type': 'application/xml' },
        body: Buffer.from(
          '<Error><Code>AuthenticationFailed</Code><Message>Signature not valid or expired</Message></Error>',
        ),
      };
    }
    return fileReply(asset);
  }

  function fileReply(asset: StoredAsset): Reply {
    return {
      status: 200,
      headers: {
        'content-type': asset.asset.contentType ?? 'application/octet-stream',
        'content-disposition': `attachment; filename=${asset.asset.name}`,
      },
      body: { file: asset.asset.file, size: asset.size },
    };
  }

  function redirectToStorage(asset: StoredAsset): Reply {
    const exp = String(Date.now() + ttl);
    const sig = sign(asset.id, exp).toString('hex');
    const location = `${storageUrl}/assets/${asset.id}/${encodeURIComponent(asset.asset.name)}?exp=${exp}&sig=${sig}`;
    return { status: 302, headers: { location }, body: Buffer.alloc(0) };
  }

  function sign(id: number, exp: string): Buffer {
    return createHmac('sha256', secret).update(`${id}:${exp}`).digest();
  }

  function digestOf(asset: StoredAsset): Promise<string | null> {
    const configured = asset.asset.digest === undefined ? 'auto' : asset.asset.digest;
    if (configured !== 'auto') return Promise.resolve(configured);
    let digest = digests.get(asset.id);
    if (digest === undefined) {
      digest = sha256File(asset.asset.file).then((hex) => `sha256:${hex}`);
      digests.set(asset.id, digest);
    }
    return digest;
  }

  async function assetJson(asset: StoredAsset): Promise<Record<string, unknown>> {
    const { owner, name } = asset.release.repo;
    return {
      url: `${apiUrl}/repos/${owner}/${name}/releases/assets/${asset.id}`,
      id: asset.id,
      node_id: `RA_${asset.id}`,
      name: asset.asset.name,
      label: asset.asset.label ?? '',
      content_type: asset.asset.contentType ?? 'application/octet-stream',
      state: 'uploaded',
      size: asset.size,
      digest: await digestOf(asset),
      download_count: 0,
      created_at: '2025-06-03T00:00:00Z',
      updated_at: '2025-06-03T00:00:00Z',
      browser_download_url: `${apiUrl}/${owner}/${name}/releases/download/${encodeURIComponent(asset.release.release.tag)}/${encodeURIComponent(asset.asset.name)}`,
      uploader: releaseBot(),
    };
  }

  // The account GitHub names as a release's author and an asset's uploader (simple-user in its description).
  function releaseBot(): Record<string, unknown> {
    const user = `${apiUrl}/users/release-bot`;
    return {
      login: 'release-bot',
      id: 1,
      node_id: 'U_1',
      avatar_url: `${apiUrl}/avatars/release-bot`,
      gravatar_id: '',
      url: user,
      html_url: `${apiUrl}/release-bot`,
      followers_url: `${user}/followers`,
      following_url: `${user}/following{/other_user}`,
      gists_url: `${user}/gists{/gist_id}`,
      starred_url: `${user}/starred{/owner}{/repo}`,
      subscriptions_url: `${user}/subscriptions`,
      organizations_url: `${user}/orgs`,
      repos_url: `${user}/repos`,
      events_url: `${user}/events{/privacy}`,
      received_events_url: `${user}/received_events`,
      type: 'Bot',
      site_admin: false,
    };
  }

  async function releaseJson(release: StoredRelease): Promise<Record<string, unknown>> {
    const { owner, name } = release.repo;
    return {
      url: `${apiUrl}/repos/${owner}/${name}/releases/${release.id}`,
      assets_url: `${apiUrl}/repos/${owner}/${name}/releases/${release.id}/assets`,
      html_url: `${apiUrl}/${owner}/${name}/releases/tag/${encodeURIComponent(release.release.tag)}`,
      upload_url: `${apiUrl}/repos/${owner}/${name}/releases/${release.id}/assets{?name,label}`,
      tarball_url: `${apiUrl}/repos/${owner}/${name}/tarball/${encodeURIComponent(release.release.tag)}`,
      zipball_url: `${apiUrl}/repos/${owner}/${name}/zipball/${encodeURIComponent(release.release.tag)}`,
      id: release.id,
      author: releaseBot(),
      node_id: `RE_${release.id}`,
      tag_name: release.release.tag,
      target_commitish: 'main',
      name: release.release.tag,
      draft: release.release.draft === true,
      prerelease: release.release.prerelease === true,
      immutable: false,
      created_at: '2025-06-03T00:00:00Z',
      published_at: release.release.draft === true ? null : '2025-06-03T00:00:00Z',
      assets: await Promise.all(release.assets.map((asset) => assetJson(asset))),
    };
  }

  function assetId(owner: string, repo: string, tag: string, name: string): number {
    const release = releases.find(
      (r) => r.repo.owner === owner && r.repo.name === repo && r.release.tag === tag,
    );
    const asset = release?.assets.find((a) => a.asset.name === name);
    if (asset === undefined) throw new Error(`fake-github: no asset ${owner}/${repo} ${tag} ${name}`);
    return asset.id;
  }

  return {
    apiUrl,
    storageUrl,
    requests,
    resetRequests: () => void requests.splice(0),
    faults,
    assetId,
    assetUrl: (owner, repo, tag, name) =>
      `${apiUrl}/repos/${owner}/${repo}/releases/assets/${assetId(owner, repo, tag, name)}`,
    async close() {
      closing.abort();
      await Promise.all([stop(api), stop(storage)]);
    },
  };
}

/** A status-only fault replaces the real answer (it never reaches the route, so it costs no budget). */
function statusFault(fault: FaultKind | undefined): Reply | undefined {
  if (fault === undefined) return undefined;
  const nowSeconds = Math.floor(Date.now() / 1000);
  switch (fault.type) {
    case 'status':
      return {
        status: fault.status,
        headers: { 'content-type': 'application/json; charset=utf-8', ...fault.headers },
        body: Buffer.from(fault.body ?? JSON.stringify({ message: `Injected ${fault.status}` })),
      };
    case 'rate-limit': {
      const reset = Math.ceil((Date.now() + fault.resetInSeconds * 1000) / 1000);
      return jsonReply(
        fault.status ?? 403,
        {
          message: UNAUTHENTICATED_RATE_LIMIT_MESSAGE,
          documentation_url: 'https://docs.github.com/rest/rate-limit',
        },
        {
          'x-ratelimit-limit': '60',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-used': '60',
          'x-ratelimit-reset': String(Math.max(reset, nowSeconds)),
          'x-ratelimit-resource': 'core',
        },
      );
    }
    case 'secondary-rate-limit':
      return jsonReply(
        fault.status ?? 403,
        {
          message:
            'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
          documentation_url:
            'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
        },
        { 'retry-after': String(fault.retryAfterSeconds) },
      );
    default:
      return undefined;
  }
}

function rateLimitHeaders(limit: number, budget: Budget): Record<string, string> {
  return {
    'x-ratelimit-limit': String(limit),
    'x-ratelimit-remaining': String(Math.max(limit - budget.used, 0)),
    'x-ratelimit-used': String(budget.used),
    'x-ratelimit-reset': String(Math.ceil(budget.resetAt / 1000)),
    'x-ratelimit-resource': 'core',
  };
}

/** JSON with an ETag; 304 without a body when If-None-Match names it. */
function withEtag(req: IncomingMessage, value: unknown, headers: Record<string, string> = {}): Reply {
  const body = Buffer.from(JSON.stringify(value));
  const etag = `W/"${createHash('sha256').update(body).digest('hex').slice(0, 40)}"`;
  const candidates = (req.headers['if-none-match'] ?? '').split(',').map((tag) => tag.trim());
  if (candidates.includes(etag) || candidates.includes(etag.slice(2)) || candidates.includes('*')) {
    return { status: 304, headers: { etag, ...headers } };
  }
  return {
    status: 200,
    headers: { 'content-type': 'application/json; charset=utf-8', etag, ...headers },
    body,
  };
}

function tokenOf(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const match = /^(?:bearer|token)\s+(.+)$/i.exec(authorization.trim());
  return match?.[1] ?? authorization;
}

async function storeReleases(repos: readonly FakeRepo[]): Promise<StoredRelease[]> {
  let nextReleaseId = 1000;
  let nextAssetId = 1;
  const stored: StoredRelease[] = [];
  for (const repo of repos) {
    for (const release of repo.releases) {
      const assets: StoredAsset[] = [];
      const entry: StoredRelease = { id: nextReleaseId++, release, repo, assets };
      for (const asset of release.assets) {
        const { size } = await stat(asset.file);
        assets.push({ id: nextAssetId++, asset, size, release: entry });
      }
      stored.push(entry);
    }
  }
  return stored;
}

/** The sha256 of a file's bytes, in hex (the look-alike's `digest` fields; the bench names its executable with it). */
export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

function listen(server: Server, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve(`http://127.0.0.1:${port}`);
    });
  });
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
