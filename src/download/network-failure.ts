import { BuildpackError } from '../errors.js';
import type { AttemptFailure } from './retry-policy.js';

/** A request that got no answer, in words: what happened, whether another try can help, what to do. */
export interface NetworkFailure {
  readonly code: string;
  /** "could not resolve host api.example.com (ENOTFOUND)". */
  readonly words: string;
  /** True when retrying cannot help (an unknown host name, an untrusted certificate). */
  readonly permanent: boolean;
  readonly advice: string;
}

/** The three ways to hand the build a CA, named in every certificate error. */
export const CA_ADVICE =
  'If the server uses a private CA (GitHub Enterprise Server, a TLS-inspecting proxy, an internal mirror), give the build that CA in one of three ways: set SSL_CERT_FILE (or SSL_CERT_DIR) to the PEM file (or directory); add a service binding of type ca-certificates holding the PEM file; or set NODE_EXTRA_CA_CERTS to the PEM file.';

const CERTIFICATE_PROBLEMS: Readonly<Record<string, string>> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'it is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'its chain ends in a self-signed CA that is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'it is signed by a CA that is not trusted',
  UNABLE_TO_GET_ISSUER_CERT: 'it is signed by a CA that is not trusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'it is signed by a CA that is not trusted',
  CERT_HAS_EXPIRED: 'it has expired',
  CERT_NOT_YET_VALID: 'it is not valid yet',
  CERT_REVOKED: 'it has been revoked',
  CERT_SIGNATURE_FAILURE: 'its signature is invalid',
  INVALID_CA: 'a CA in its chain is not valid',
  ERR_TLS_CERT_ALTNAME_INVALID: 'it was issued for another host name',
};

const PROXY_ADVICE = 'HTTPS_PROXY / NO_PROXY if the build goes through a proxy';

/** Describes a request that failed without an answer, for messages and for the retry policy. */
export function describeNetworkFailure(error: unknown, url: URL | string): NetworkFailure {
  const host = hostOf(url);
  const code = networkErrorCode(error) ?? 'ERR_NETWORK';
  const problem = CERTIFICATE_PROBLEMS[code];
  if (problem !== undefined) {
    return {
      code,
      words: `the server's certificate is not trusted: ${host} presented a certificate that ${problem.replace(/^it /, '')} (${code})`,
      permanent: true,
      advice:
        code === 'ERR_TLS_CERT_ALTNAME_INVALID'
          ? `Check the host name in the URL: the certificate does not name ${host}.`
          : CA_ADVICE,
    };
  }
  if (code === 'ENOTFOUND') {
    return {
      code,
      words: `could not resolve host ${host} (ENOTFOUND)`,
      permanent: true,
      advice: `Check the host name (BP_GITHUB_API_URL, mirror URLs) and the build's DNS (${PROXY_ADVICE}).`,
    };
  }
  return {
    code,
    words: transientWords(code, host),
    permanent: false,
    advice: `Check network access to ${host} (${PROXY_ADVICE}).`,
  };
}

/** A failure inside one attempt that no retry can fix: a refused redirect, a body past its bound. */
export class PermanentFailure extends Error {}

/**
 * A request without a (complete) answer, as the retry policy sees it: a PermanentFailure, a BuildpackError,
 * an unknown host or an untrusted certificate is not retried; other network errors are.
 */
export function networkAttemptFailure(error: unknown): AttemptFailure {
  if (error instanceof PermanentFailure || error instanceof BuildpackError) return { retryable: false };
  const failure = describeNetworkFailure(error, '');
  return { code: failure.code, retryable: failure.permanent ? false : undefined };
}

function transientWords(code: string, host: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return `${host} refused the connection: ${code}`;
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return `the connection to ${host} broke off: ${code}`;
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `connecting to ${host} timed out: ${code}`;
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return `${host} stopped answering: ${code}`;
    case 'EAI_AGAIN':
      return `looking up ${host} failed for now: ${code}`;
    default:
      return `the request to ${host} failed: ${code}`;
  }
}

function hostOf(url: URL | string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the host';
  }
}

/** The error code of a network failure, looking through `cause` chains (fetch wraps them in TypeError). */
export function networkErrorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = current.cause;
  }
  return undefined;
}
