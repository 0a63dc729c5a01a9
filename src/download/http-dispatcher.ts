import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type * as Tls from 'node:tls';
import type { buildConnector as BuildConnector, Dispatcher } from 'undici';
import type { RetryOptions } from './retry-policy.js';
import { buildConnector, EnvHttpProxyAgent } from './undici-parts.js';

export interface TrustOptions {
  /**
   * PEM texts from `ca-certificates` service bindings (Paketo's binding type: each file in it is a PEM),
   * read by the caller.
   */
  readonly bindingCertificates?: readonly string[] | undefined;
  /** Where SSL_CERT_FILE, SSL_CERT_DIR and NODE_EXTRA_CA_CERTS are read; the build's environment by default. */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
}

/**
 * The HTTP dispatcher for GitHub, asset hosts and mirrors alike: honours HTTP_PROXY / HTTPS_PROXY / NO_PROXY
 * (CI runs behind proxies), trusts the CAs the platform gives (see trustedCertificates), with the connect
 * timeout, and the read timeout applied to the headers and to each gap between body chunks.
 */
export function createDispatcher(retry: RetryOptions, trust: TrustOptions = {}): Dispatcher {
  // TLS is set up on the first https:// connection: loading Node's tls module and reading the CAs take about
  // 20 ms of a build's start, which a build that only reaches http:// hosts (a mirror inside the network)
  // never needs. One secure context for every connection: passing `ca` would parse every PEM on each
  // handshake.
  let secureContext: Tls.SecureContext | undefined;
  const context = (): Tls.SecureContext =>
    (secureContext ??= tlsModule().createSecureContext({ ca: trustedCertificates(trust) }));
  const timeout = retry.connectTimeoutMs;
  const direct = buildConnector({ timeout });
  let secure: BuildConnector.connector | undefined;
  const connect: BuildConnector.connector = (options, callback) => {
    if (options.protocol !== 'https:') return direct(options, callback);
    secure ??= buildConnector({ timeout, secureContext: context() });
    return secure(options, callback);
  };
  // A proxy agent copies its TLS options when it is made, and undici makes one only when one of these
  // variables is set: through a proxy, the TLS session to the server and the one to an https:// proxy
  // trust the same CAs.
  const proxied = PROXY_VARIABLES.some((name) => (process.env[name] ?? '') !== '');
  const proxyTls = proxied
    ? { requestTls: { secureContext: context() }, proxyTls: { secureContext: context() } }
    : {};
  return new EnvHttpProxyAgent({
    connect,
    ...proxyTls,
    headersTimeout: retry.readTimeoutMs,
    bodyTimeout: retry.readTimeoutMs,
  });
}

/** The variables undici's EnvHttpProxyAgent reads its proxies from. */
const PROXY_VARIABLES = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY'];

/** node:tls, loaded when first needed (see createDispatcher). */
function tlsModule(): typeof Tls {
  return process.getBuiltinModule('node:tls');
}

/**
 * The system's CA bundle, where distributions keep it (the list Go's crypto/x509 reads on Linux). One file
 * read, where scanning /etc/ssl/certs through tls.getCACertificates('system') takes a quarter of a second.
 */
const SYSTEM_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt', // Debian, Ubuntu, Gentoo, Arch
  '/etc/pki/tls/certs/ca-bundle.crt', // Fedora, RHEL 6
  '/etc/ssl/ca-bundle.pem', // openSUSE
  '/etc/pki/tls/cacert.pem', // OpenELEC
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem', // CentOS, RHEL 7
  '/etc/ssl/cert.pem', // Alpine
];

/**
 * Every CA the build should trust, the way platforms hand them over: the system store (or, on an image
 * without one, Node's bundled Mozilla store), SSL_CERT_FILE / SSL_CERT_DIR (what Paketo's CA certificates
 * buildpack and most build platforms set), NODE_EXTRA_CA_CERTS (read here too, since a build variable
 * arrives after Node started), and the PEMs of `ca-certificates` bindings; each adds to the others. Files
 * that cannot be read are skipped: a stale variable must not stop a build that does not need it, and a
 * missing CA shows up as a clear certificate error.
 */
export function trustedCertificates(trust: TrustOptions = {}): string[] {
  const env = trust.env ?? process.env;
  const pems = new Set<string>();
  const add = (text: string | undefined): void => {
    for (const pem of splitPems(text ?? '')) pems.add(pem);
  };
  for (const bundle of SYSTEM_BUNDLES) {
    add(readText(bundle));
    if (pems.size > 0) break;
  }
  const tls = tlsModule();
  if (pems.size === 0) for (const pem of tls.rootCertificates) pems.add(pem);
  if (typeof tls.getCACertificates === 'function') {
    for (const pem of tls.getCACertificates('extra')) pems.add(pem);
  }
  add(readText(env['SSL_CERT_FILE']));
  add(readText(env['NODE_EXTRA_CA_CERTS']));
  const dir = env['SSL_CERT_DIR'];
  // SSL_CERT_DIR may list several directories, like OpenSSL's.
  for (const entry of dir === undefined ? [] : dir.split(':').filter((part) => part !== '')) {
    for (const name of readDir(entry)) add(readText(join(entry, name)));
  }
  for (const text of trust.bindingCertificates ?? []) add(text);
  return [...pems];
}

function splitPems(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

function readText(path: string | undefined): string | undefined {
  if (path === undefined || path === '') return undefined;
  try {
    // Certificate files are small; a cap keeps a path pointing at a device from reading forever.
    const stats = statSync(path);
    if (!stats.isFile() || stats.size > 16 * 1024 * 1024) return undefined;
    return readFileSync(path, 'latin1');
  } catch {
    return undefined;
  }
}

function readDir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

/** A URL fit for messages and logs: no credentials, no query (signed URLs carry their signature there). */
export function displayUrl(url: string | URL): string {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'file:'
      ? (parsed.href.split('?')[0] ?? '')
      : `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
