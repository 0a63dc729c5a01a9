/**
 * A company CA (test/helpers/company-network.ts): an HTTPS look-alike signed by it is trusted through each
 * way a platform hands a CA over (SSL_CERT_FILE, SSL_CERT_DIR, a ca-certificates binding,
 * NODE_EXTRA_CA_CERTS), also through a company proxy, and without it the failure is immediate and says what
 * to do. DNS failures are immediate too.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { downloadAsset } from '../../src/download/download-asset.js';
import { DownloadError } from '../../src/download/errors.js';
import {
  createDispatcher,
  trustedCertificates,
  type TrustOptions,
} from '../../src/download/http-dispatcher.js';
import { createGitHubClient } from '../../src/github/client.js';
import { GitHubApiError } from '../../src/github/errors.js';
import { collect, fastRetry, makeTempDir, recordingLogger } from '../github/helpers.js';
import { makeCompanyCa, startConnectProxy } from '../helpers/company-network.js';
import { failure } from '../helpers/failure.js';
import { releaseJson, startServer, type TestServer } from './test-server.js';

const BODY = Buffer.from('asset behind a company CA\n');

let dir: string;
let cleanup: () => Promise<void>;
let caPath: string;
let server: TestServer;

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
  const ca = makeCompanyCa(dir);
  caPath = ca.caPath;
  mkdirSync(join(dir, 'certs'));
  copyFileSync(caPath, join(dir, 'certs', 'company.pem'));
  server = await startServer((req, res) => {
    if (req.url?.startsWith('/repos/')) {
      res.setHeader('content-type', 'application/json');
      res.end(releaseJson(`${server.url}/asset`, `${server.url}/asset`, BODY.length));
    } else res.end(BODY);
  }, ca.server);
});
afterAll(async () => {
  await server.close();
  await cleanup();
});

/** Resolves a release and downloads its asset over HTTPS, through a dispatcher trusting as `trust` says. */
async function resolveAndDownload(trust: TrustOptions): Promise<Buffer> {
  const dispatcher = createDispatcher(fastRetry, { env: {}, ...trust });
  const logger = recordingLogger().logger;
  try {
    const github = createGitHubClient({
      apiUrl: server.url,
      logger,
      retry: fastRetry,
      userAgent: 't',
      dispatcher,
    });
    const result = await github.resolveRelease({ owner: 'o', name: 'r', tag: 'v1', token: undefined });
    if (result.status !== 'ok') throw new Error('expected ok');
    const url = result.release.assets[0]?.apiUrl ?? '';
    const downloaded = await downloadAsset({ url, token: undefined, label: 'tool' }, collect, {
      retry: fastRetry,
      logger,
      dispatcher,
      apiUrl: server.url,
    });
    return downloaded.value;
  } finally {
    await dispatcher.destroy();
  }
}

describe('certificates the way the platform gives them', () => {
  const ways: [string, () => TrustOptions][] = [
    ['SSL_CERT_FILE', () => ({ env: { SSL_CERT_FILE: caPath } })],
    ['SSL_CERT_DIR', () => ({ env: { SSL_CERT_DIR: `${join(dir, 'missing')}:${join(dir, 'certs')}` } })],
    ['a ca-certificates binding', () => ({ bindingCertificates: [readFileSync(caPath, 'utf8')] })],
    ['NODE_EXTRA_CA_CERTS', () => ({ env: { NODE_EXTRA_CA_CERTS: caPath } })],
  ];
  for (const [way, trust] of ways) {
    it(`trusts a company CA given through ${way}, for the API and downloads`, async () => {
      expect((await resolveAndDownload(trust())).equals(BODY)).toBe(true);
    });
  }

  it('tunnels the API look-up and the download through HTTPS_PROXY (CONNECT), trusting the CA inside', async () => {
    const proxy = await startConnectProxy();
    for (const name of ['https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy'])
      vi.stubEnv(name, undefined);
    vi.stubEnv('HTTPS_PROXY', proxy.url);
    try {
      expect((await resolveAndDownload({ env: { SSL_CERT_FILE: caPath } })).equals(BODY)).toBe(true);
      expect(proxy.tunnels.length).toBeGreaterThan(0);
      expect(new Set(proxy.tunnels)).toEqual(new Set([server.url.replace('https://', '')]));
    } finally {
      vi.unstubAllEnvs();
      await proxy.close();
    }
  });

  const debianBundle = '/etc/ssl/certs/ca-certificates.crt';
  it.skipIf(!existsSync(debianBundle))(
    `trusts the system store (skipped where ${debianBundle} does not exist)`,
    () => {
      const trusted = new Set(trustedCertificates({ env: {} }));
      const system =
        readFileSync(debianBundle, 'latin1').match(
          /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g,
        ) ?? [];
      expect(system.length).toBeGreaterThan(0);
      for (const pem of system) expect(trusted.has(pem)).toBe(true);
    },
  );

  it('fails at once without the CA, naming the host, the problem and the three ways', async () => {
    const before = server.requests.length;
    const error = await failure(resolveAndDownload({}));
    expect(error).toBeInstanceOf(GitHubApiError);
    expect(error.message).toContain(
      `the server's certificate is not trusted: ${server.url.replace('https://', '')} presented a certificate that is signed by a CA that is not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE), after 1 attempt.`,
    );
    for (const way of ['SSL_CERT_FILE', 'SSL_CERT_DIR', 'ca-certificates', 'NODE_EXTRA_CA_CERTS']) {
      expect(error.message).toContain(way);
    }
    expect(error.message).not.toContain('HTTPS_PROXY');
    expect(server.requests.length).toBe(before);

    const dispatcher = createDispatcher(fastRetry, { env: {} });
    const downloadError = await failure(
      downloadAsset({ url: `${server.url}/asset`, token: undefined, label: 'tool' }, collect, {
        retry: fastRetry,
        logger: recordingLogger().logger,
        dispatcher,
      }),
    );
    await dispatcher.destroy();
    expect(downloadError).toBeInstanceOf(DownloadError);
    expect(downloadError.message).toContain("the server's certificate is not trusted");
    expect(downloadError.message).toContain('after 1 attempt');
    expect(downloadError.message).toContain('ca-certificates');
  });

  it('fails at once on a host name that does not resolve', async () => {
    const github = createGitHubClient({
      apiUrl: 'https://no-such-host.invalid/api/v3',
      logger: recordingLogger().logger,
      retry: fastRetry,
      userAgent: 't',
    });
    const error = await failure(
      github.resolveRelease({ owner: 'o', name: 'r', tag: 'v1', token: undefined }),
    );
    expect(error.message).toContain(
      'could not resolve host no-such-host.invalid (ENOTFOUND), after 1 attempt',
    );
  });
});
