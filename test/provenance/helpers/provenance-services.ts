import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fetch } from 'undici';
import type { AttestationFetchers } from '../../../src/provenance/attestation-source.js';
import { loadTrustRoot, type TrustRoot } from '../../../src/provenance/trust-root.js';
import { trustRootOnce, type ProvenanceServices } from '../../../src/provenance/verify-asset-provenance.js';
import type { FakeGitHub } from '../../../tools/fake-github/index.js';
import { tempDir } from '../../helpers/temp-dir.js';

/**
 * Fetchers over real HTTP to the GitHub look-alike, standing in for the build's client: the API request
 * carries the token, the bundle_url request carries none (that is the contract the pipeline must keep).
 */
export function fakeGitHubFetchers(github: FakeGitHub, token: string | undefined): AttestationFetchers {
  return {
    async getAttestations(owner, repo, sha256) {
      const response = await fetch(`${github.apiUrl}/repos/${owner}/${repo}/attestations/sha256:${sha256}`, {
        headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      });
      if (response.status === 404) return undefined;
      if (!response.ok) throw new Error(`attestations: HTTP ${response.status}`);
      return response.json();
    },
    async getWithoutToken(url) {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`bundle_url: HTTP ${response.status}`);
      return new Uint8Array(await response.arrayBuffer());
    },
  };
}

/** Release files by name, as the pipeline would download them; from a map in tests. */
export function releaseFileReader(files: ReadonlyMap<string, Buffer>): (name: string) => Promise<Buffer> {
  return async (name) => {
    const content = files.get(name);
    if (content === undefined) throw new Error(`no release file ${name}`);
    return content;
  };
}

/** A trust root loader over a trusted_root.json written to a temp file, counting its loads. */
export async function trustedRootFile(
  trustedRoot: unknown,
): Promise<{ path: string; loads: () => number; load: () => Promise<TrustRoot> }> {
  const dir = await tempDir('prov-root-');
  const file = path.join(dir, 'trusted_root.json');
  await writeFile(file, JSON.stringify(trustedRoot));
  let count = 0;
  return {
    path: file,
    loads: () => count,
    load: trustRootOnce(() => {
      count += 1;
      return loadTrustRoot({ path: file, tufCacheDir: dir });
    }),
  };
}

export function services(
  github: FakeGitHub,
  token: string | undefined,
  files: ReadonlyMap<string, Buffer>,
  trustRoot: () => Promise<TrustRoot>,
): ProvenanceServices {
  return {
    fetchers: fakeGitHubFetchers(github, token),
    readReleaseFile: releaseFileReader(files),
    trustRoot,
  };
}
