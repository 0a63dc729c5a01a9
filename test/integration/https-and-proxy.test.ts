/**
 * The built executable over HTTPS, directly and through a company proxy. Its bundle sets TLS up only on the
 * first https:// connection and gives undici stand-ins for node:http and node:http2
 * (src/download/undici-stand-ins.ts), which the tests run from source never see: these builds are where a
 * mistake in either would show.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLifecycle } from '../../tools/lifecycle/lifecycle.js';
import { releaseJson, startServer, type TestServer } from '../download/test-server.js';
import { requireBuiltBuildpack } from '../helpers/built-buildpack.js';
import { makeCompanyCa, startConnectProxy, type CompanyCa } from '../helpers/company-network.js';
import { tempDir } from '../helpers/temp-dir.js';

const TOOL = Buffer.from('#!/bin/sh\necho tool over https\n');

let buildpackDir: string;
let ca: CompanyCa;
let server: TestServer;

beforeAll(async () => {
  buildpackDir = requireBuiltBuildpack();
  ca = makeCompanyCa(await tempDir('company-ca-'));
  server = await startServer((req, res) => {
    if (req.url === '/repos/acme/tool/releases/tags/v1') {
      res.setHeader('content-type', 'application/json');
      res.end(releaseJson(`${server.url}/asset`, `${server.url}/asset`, TOOL.length));
    } else if (req.url === '/asset') {
      res.end(TOOL);
    } else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"message":"Not Found"}');
    }
  }, ca.server);
});

afterAll(async () => {
  await server?.close();
});

async function buildOverHttps(env: Record<string, string>) {
  const app = await tempDir('https-app-');
  await writeFile(
    path.join(app, 'project.toml'),
    '[[metadata.githubassets]]\nrepo = "acme/tool"\nasset = "tool"\ntag = "v1"\ndestination = "bin/tool"\n',
  );
  const result = await runLifecycle({
    buildpackDir,
    appDir: app,
    stateDir: await tempDir('https-state-'),
    env: { BP_GITHUB_API_URL: server.url, SSL_CERT_FILE: ca.caPath, ...env },
  });
  expect(result.build?.code, result.build?.output).toBe(0);
  const layer = result.image.find((each) => each.name === 'acme_tool');
  expect(await readFile(path.join(layer?.dir ?? '', 'bin', 'tool'))).toEqual(TOOL);
}

describe('the built buildpack over HTTPS', () => {
  it('looks the release up and downloads from a server signed by a company CA', async () => {
    const before = server.requests.length;
    await buildOverHttps({});
    expect(server.requests.slice(before).map((request) => request.path)).toContain('/asset');
  });

  it('does the same through HTTPS_PROXY, every connection tunnelled', async () => {
    const proxy = await startConnectProxy();
    try {
      await buildOverHttps({ HTTPS_PROXY: proxy.url });
      expect(proxy.tunnels.length).toBeGreaterThan(0);
      expect(new Set(proxy.tunnels)).toEqual(new Set([server.url.replace('https://', '')]));
    } finally {
      await proxy.close();
    }
  });
});
