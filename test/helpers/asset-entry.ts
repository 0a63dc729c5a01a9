import type { AssetEntry } from '../../src/config/asset-entry.js';

/** A validated entry with the defaults for every field github-assets-cnb did not have. */
export function assetEntry(
  index: number,
  repo: string,
  asset: string | undefined,
  more: Partial<AssetEntry> = {},
): AssetEntry {
  const [owner = '', name = ''] = repo.split('/');
  return {
    index,
    repo,
    owner,
    name,
    asset,
    tag: undefined,
    tokenEnv: undefined,
    destination: undefined,
    stripComponents: 0,
    sha256: undefined,
    checksums: undefined,
    include: undefined,
    launch: true,
    build: false,
    archCheck: true,
    ...more,
  };
}
