/**
 * The GitHub look-alike answers in GitHub's own shape: every JSON body it gives for the routes the buildpack
 * uses (releases list, release by id, by tag, latest, asset metadata, and the 401/403/404 error bodies) is
 * validated against GitHub's published OpenAPI description (@octokit/openapi, api.github.com.json), the
 * schema of that route and status. So the look-alike cannot drift from GitHub while the tests keep passing.
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv, type AnySchema, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../../tools/fake-github/index.js';
import type { FakeRepo } from '../../tools/fake-github/model.js';
import { buildSeedReleases, type SeedReleases } from '../../tools/seed-releases/seed-releases.js';
import { tempDir } from '../helpers/temp-dir.js';

interface OpenApiOperation {
  responses: Record<string, { $ref?: string; content?: Record<string, { schema: unknown }> }>;
}
interface OpenApiDocument {
  paths: Record<string, { get?: OpenApiOperation }>;
  components: {
    schemas: Record<string, unknown>;
    responses: Record<string, OpenApiOperation['responses'][string]>;
  };
}

const require = createRequire(import.meta.url);
const spec = JSON.parse(
  readFileSync(require.resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8'),
) as OpenApiDocument;

// The description is OpenAPI 3.0 (nullable, example, x-github...): ajv knows `nullable`; the rest are
// annotations, hence strict: false. Formats (date-time, uri) are checked too.
const ajv = new Ajv({ strict: false, allErrors: true });
(addFormatsModule as unknown as (instance: Ajv) => void)(ajv);
ajv.addSchema({ $id: 'github', components: { schemas: spec.components.schemas } });

const validators = new Map<string, ValidateFunction>();

/** The validator of the JSON body GitHub documents for GET `route` answering `status`. */
function validatorFor(route: string, status: number): ValidateFunction {
  const key = `${route} ${status}`;
  const cached = validators.get(key);
  if (cached) return cached;
  const operation = spec.paths[route]?.get;
  if (operation === undefined) throw new Error(`GitHub's description has no GET ${route}`);
  let response = operation.responses[String(status)];
  const ref = response?.$ref;
  if (ref !== undefined) response = spec.components.responses[ref.replace('#/components/responses/', '')];
  // Errors GitHub does not list for a route (401 bad credentials, 403 rate limit) have its basic-error body.
  const schema = response?.content?.['application/json']?.schema ?? {
    $ref: '#/components/schemas/basic-error',
  };
  const validate = ajv.compile(rebase(schema));
  validators.set(key, validate);
  return validate;
}

// Points the description's local $refs at the document added under $id "github".
function rebase(schema: unknown): AnySchema {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"github#/components/')) as AnySchema;
}

let seeds: SeedReleases;
let extra: FakeRepo;
let github: FakeGitHub;
let limited: FakeGitHub;

beforeAll(async () => {
  const dir = await tempDir('openapi-');
  seeds = await buildSeedReleases(path.join(dir, 'seeds'));
  const file = path.join(dir, 'tool.tar.gz');
  await writeFile(file, 'not really gzip, the look-alike does not care');
  // The variations the seeds may not cover: drafts, prereleases, no digest, a label, a pinned latest.
  extra = {
    owner: 'shape-check',
    name: 'tool.js',
    releases: [
      { tag: 'v3.0.0-rc.1', prerelease: true, assets: [{ name: 'tool.tar.gz', file, digest: null }] },
      { tag: 'v2.0.0', latest: true, assets: [{ name: 'tool.tar.gz', file, label: 'Linux build' }] },
      { tag: 'v1.0.0', assets: [{ name: 'tool.tar.gz', file, contentType: 'application/gzip' }] },
      { tag: 'v0.9.0', draft: true, assets: [] },
    ],
  };
  const repos = [...seeds.repos, extra];
  github = await startFakeGitHub({ repos, tokens: [seeds.privateToken] });
  limited = await startFakeGitHub({ repos, rateLimit: { limit: 1 } });
});

afterAll(async () => {
  await github?.close();
  await limited?.close();
});

async function getJson(
  base: string,
  pathname: string,
  token?: string,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${base}${pathname}`, {
    headers: {
      accept: 'application/vnd.github+json',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
  });
  expect(response.headers.get('content-type') ?? '').toMatch(/^application\/json/);
  return { status: response.status, body: await response.json() };
}

function expectShape(route: string, status: number, body: unknown): void {
  const validate = validatorFor(route, status);
  const problems = validate(body) ? [] : ajv.errorsText(validate.errors, { separator: '\n' }).split('\n');
  expect(problems, `${route} ${status}`).toEqual([]);
}

describe("the look-alike's answers match GitHub's OpenAPI description", () => {
  it('releases, each release by id and by tag, latest, and every asset', async () => {
    let checked = 0;
    for (const repo of [...seeds.repos, extra]) {
      const token = repo.private === true ? seeds.privateToken : undefined;
      const base = `/repos/${repo.owner}/${repo.name}/releases`;
      const list = await getJson(github.apiUrl, `${base}?per_page=100`, token);
      expect(list.status).toBe(200);
      expectShape('/repos/{owner}/{repo}/releases', 200, list.body);
      for (const release of list.body as {
        id: number;
        tag_name: string;
        draft: boolean;
        assets: { id: number }[];
      }[]) {
        if (release.draft) continue;
        const byId = await getJson(github.apiUrl, `${base}/${release.id}`, token);
        expectShape('/repos/{owner}/{repo}/releases/{release_id}', 200, byId.body);
        const byTag = await getJson(
          github.apiUrl,
          `${base}/tags/${encodeURIComponent(release.tag_name)}`,
          token,
        );
        expectShape('/repos/{owner}/{repo}/releases/tags/{tag}', 200, byTag.body);
        for (const asset of release.assets) {
          const answer = await getJson(github.apiUrl, `${base}/assets/${asset.id}`, token);
          expectShape('/repos/{owner}/{repo}/releases/assets/{asset_id}', 200, answer.body);
          checked += 1;
        }
      }
      const latest = await getJson(github.apiUrl, `${base}/latest`, token);
      expectShape('/repos/{owner}/{repo}/releases/latest', latest.status, latest.body);
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('404 for a missing repo, tag, release and asset; 404 for a private repo without a token', async () => {
    const base = `/repos/${extra.owner}/${extra.name}/releases`;
    const cases: [string, string][] = [
      ['/repos/{owner}/{repo}/releases', '/repos/no-such/repo/releases'],
      ['/repos/{owner}/{repo}/releases/tags/{tag}', `${base}/tags/v404`],
      ['/repos/{owner}/{repo}/releases/latest', '/repos/no-such/repo/releases/latest'],
      ['/repos/{owner}/{repo}/releases/assets/{asset_id}', `${base}/assets/999999`],
    ];
    const privateRepo = seeds.repos.find((repo) => repo.private === true);
    if (privateRepo) {
      cases.push([
        '/repos/{owner}/{repo}/releases',
        `/repos/${privateRepo.owner}/${privateRepo.name}/releases`,
      ]);
    }
    for (const [route, pathname] of cases) {
      const answer = await getJson(github.apiUrl, pathname);
      expect(answer.status, pathname).toBe(404);
      expectShape(route, 404, answer.body);
    }
  });

  it('401 for a bad token and 403 once the rate limit is spent, with the basic-error body', async () => {
    const base = `/repos/${extra.owner}/${extra.name}/releases`;
    const bad = await getJson(github.apiUrl, base, 'not-a-token');
    expect(bad.status).toBe(401);
    expectShape('/repos/{owner}/{repo}/releases', 401, bad.body);

    expect((await getJson(limited.apiUrl, base)).status).toBe(200);
    const spent = await getJson(limited.apiUrl, base);
    expect(spent.status).toBe(403);
    expectShape('/repos/{owner}/{repo}/releases', 403, spent.body);
    expect((spent.body as { message: string }).message).toMatch(/rate limit/i);
  });

  it('the check catches drift: a release without its required fields is rejected', () => {
    const validate = validatorFor('/repos/{owner}/{repo}/releases/latest', 200);
    expect(validate({ id: 1, tag_name: 'v1' })).toBe(false);
    expect(ajv.errorsText(validate.errors)).toMatch(/must have required property/);
  });
});
