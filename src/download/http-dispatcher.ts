import { EnvHttpProxyAgent, type Dispatcher } from 'undici';
import type { RetryOptions } from './retry-policy.js';

/**
 * The HTTP dispatcher for GitHub and asset hosts: honours HTTP_PROXY / HTTPS_PROXY / NO_PROXY (CI runs
 * behind proxies), with the connect timeout, and the read timeout applied to the headers and to each gap
 * between body chunks.
 */
export function createDispatcher(retry: RetryOptions): Dispatcher {
  return new EnvHttpProxyAgent({
    connect: { timeout: retry.connectTimeoutMs },
    headersTimeout: retry.readTimeoutMs,
    bodyTimeout: retry.readTimeoutMs,
  });
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

/** The error code of a network failure, looking through `cause` chains (fetch wraps them in TypeError). */
export function networkErrorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = current.cause;
  }
  return undefined;
}

/** The network error code, or else the innermost message ("bad port"), for messages about failed requests. */
export function networkErrorSummary(error: unknown): string {
  let message = 'network error';
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    if (current.message !== '') message = current.message;
    current = current.cause;
  }
  return message;
}
