import { readFile } from 'node:fs/promises';
import type { TrustMaterial } from '@sigstore/verify';
import type { EnvLookup, ServiceBinding } from '../cnb/platform-env.js';

/** Where the trusted Sigstore root comes from; read once per build. */
export interface TrustRootSource {
  /** A trusted_root.json given by path (BP_GITHUB_ASSETS_TRUSTED_ROOT). */
  readonly path?: string | undefined;
  /** A trusted_root.json given as content, with the name of what gave it (a service binding). */
  readonly content?: { readonly json: string; readonly origin: string } | undefined;
  /** Where sigstore's TUF client keeps the public-good metadata between builds. */
  readonly tufCacheDir: string;
  /** The public-good TUF repository; another URL only in tests. */
  readonly tufMirrorUrl?: string | undefined;
  readonly tufTimeoutMs?: number | undefined;
}

/** A root ready to verify with, or why there is none. */
export type TrustRoot =
  | {
      readonly status: 'ok';
      readonly material: TrustMaterial;
      /** Where it came from, for the log: "the public-good Sigstore root" or "trusted_root.json from …". */
      readonly origin: string;
      /** Certificates need an SCT only when the root lists CT logs (GitHub's private instance has none). */
      readonly ctlogThreshold: number;
      /** Bundles need a transparency log entry only when the root lists logs; else a signed timestamp does. */
      readonly tlogThreshold: number;
    }
  | { readonly status: 'unavailable'; readonly reason: string };

const PUBLIC_GOOD_TUF = 'https://tuf-repo-cdn.sigstore.dev';
/** The key a `sigstore` service binding holds the root under. */
export const TRUSTED_ROOT_BINDING_KEY = 'trusted_root.json';

/** The trust root source from BP_GITHUB_ASSETS_TRUSTED_ROOT, else a binding of type sigstore, else public good. */
export function trustRootSource(
  env: EnvLookup,
  bindings: readonly ServiceBinding[],
  tufCacheDir: string,
): TrustRootSource {
  const path = env('BP_GITHUB_ASSETS_TRUSTED_ROOT')?.trim();
  if (path !== undefined && path !== '') return { path, tufCacheDir };
  const binding = bindings.find((b) => b.type === 'sigstore' && b.entries.has(TRUSTED_ROOT_BINDING_KEY));
  const json = binding?.entries.get(TRUSTED_ROOT_BINDING_KEY);
  if (binding !== undefined && json !== undefined) {
    return { content: { json, origin: `the service binding ${binding.name} (type sigstore)` }, tufCacheDir };
  }
  return { tufCacheDir };
}

/**
 * Loads the trusted root: the given trusted_root.json, else the public-good root through sigstore's TUF
 * client (which refreshes it when the build can reach the TUF repository). sigstore's code is imported
 * here, on first use, so builds that verify nothing never evaluate it.
 */
export async function loadTrustRoot(source: TrustRootSource): Promise<TrustRoot> {
  let json: unknown;
  let origin: string;
  try {
    if (source.path !== undefined) {
      origin = `${source.path} (BP_GITHUB_ASSETS_TRUSTED_ROOT)`;
      json = JSON.parse(await readFile(source.path, 'utf8'));
    } else if (source.content !== undefined) {
      origin = `trusted_root.json of ${source.content.origin}`;
      json = JSON.parse(source.content.json);
    } else {
      origin = 'the public-good Sigstore root';
      const { getTrustedRoot } = await import('@sigstore/tuf');
      const { TrustedRoot } = await import('@sigstore/protobuf-specs');
      const root = await getTrustedRoot({
        cachePath: source.tufCacheDir,
        mirrorURL: source.tufMirrorUrl ?? PUBLIC_GOOD_TUF,
        timeout: source.tufTimeoutMs ?? 10_000,
        retry: 1,
      });
      json = TrustedRoot.toJSON(root);
    }
  } catch (error) {
    const where =
      source.path ??
      source.content?.origin ??
      `the Sigstore TUF repository ${source.tufMirrorUrl ?? PUBLIC_GOOD_TUF}`;
    return { status: 'unavailable', reason: `${where} could not be read (${summarise(error)})` };
  }
  try {
    const { TrustedRoot } = await import('@sigstore/protobuf-specs');
    const { toTrustMaterial } = await import('@sigstore/verify');
    const root = TrustedRoot.fromJSON(json);
    if (root.certificateAuthorities.length === 0) throw new Error('it lists no certificate authority');
    if (root.tlogs.length === 0 && root.timestampAuthorities.length === 0) {
      throw new Error('it lists neither a transparency log nor a timestamp authority');
    }
    return {
      status: 'ok',
      material: toTrustMaterial(root),
      origin,
      ctlogThreshold: root.ctlogs.length > 0 ? 1 : 0,
      tlogThreshold: root.tlogs.length > 0 ? 1 : 0,
    };
  } catch (error) {
    return {
      status: 'unavailable',
      reason: `${origin} is not a usable trusted_root.json (${summarise(error)})`,
    };
  }
}

function summarise(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]?.slice(0, 200) ?? 'unknown error';
}
