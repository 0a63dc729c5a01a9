import type { ProvenanceRefusal } from './provenance-error.js';

/**
 * The requests the attestations look-up needs, handed in by the pipeline: the API call goes through the
 * build's GitHub client (token, retries, rate limits); `bundle_url` lives on another origin and is fetched
 * without the token, like every non-API download.
 */
export interface AttestationFetchers {
  /** GET /repos/{owner}/{repo}/attestations/sha256:{hex}: the parsed JSON body, or undefined on 404. */
  getAttestations(owner: string, repo: string, sha256: string): Promise<unknown>;
  /** GET a URL of another origin WITHOUT the token; the body's bytes. */
  getWithoutToken(url: string): Promise<Uint8Array>;
}

/** One attestation's bundle, or why it could not be read. */
export type FetchedAttestation =
  { readonly source: string; readonly bundle: unknown } | { readonly refusal: ProvenanceRefusal };

/** Far above any real bundle (a few kB), small enough that a hostile server cannot exhaust memory. */
const MAX_BUNDLE_BYTES = 16 * 1024 * 1024;

/**
 * The Sigstore bundles GitHub holds for an asset's digest: each item's inline `bundle`, else its
 * `bundle_url` (snappy-compressed). An empty list when GitHub has none (404 or an empty answer).
 */
export async function fetchAttestations(
  owner: string,
  repo: string,
  sha256: string,
  fetchers: AttestationFetchers,
): Promise<FetchedAttestation[]> {
  const body = await fetchers.getAttestations(owner, repo, sha256);
  const items = attestationItems(body);
  const fetched: FetchedAttestation[] = [];
  for (const [position, item] of items.entries()) {
    const source =
      items.length === 1 ? 'GitHub attestation' : `GitHub attestation ${position + 1} of ${items.length}`;
    if (item.bundle !== undefined && item.bundle !== null) {
      fetched.push({ source, bundle: item.bundle });
    } else if (typeof item.bundle_url === 'string') {
      fetched.push(await fetchBundleUrl(source, item.bundle_url, fetchers));
    } else {
      fetched.push({ refusal: { source, check: 'format', reason: 'it has neither bundle nor bundle_url' } });
    }
  }
  return fetched;
}

async function fetchBundleUrl(
  source: string,
  url: string,
  fetchers: AttestationFetchers,
): Promise<FetchedAttestation> {
  const bytes = await fetchers.getWithoutToken(url);
  try {
    const { uncompress } = await import('snappyjs');
    const json = Buffer.from(uncompress(bytes, MAX_BUNDLE_BYTES)).toString('utf8');
    return { source, bundle: JSON.parse(json) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      refusal: {
        source,
        check: 'format',
        reason: `its bundle_url did not serve a snappy-compressed bundle (${reason})`,
      },
    };
  }
}

interface AttestationItem {
  readonly bundle?: unknown;
  readonly bundle_url?: unknown;
}

function attestationItems(body: unknown): AttestationItem[] {
  if (typeof body !== 'object' || body === null || !('attestations' in body)) return [];
  const list = body.attestations;
  if (!Array.isArray(list)) return [];
  return list.filter((item: unknown): item is AttestationItem => typeof item === 'object' && item !== null);
}
