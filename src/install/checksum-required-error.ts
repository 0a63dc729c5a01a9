import { BuildpackError } from '../errors.js';
import type { AssetEntry } from '../config/asset-entry.js';

/** BP_GITHUB_ASSETS_REQUIRE_CHECKSUM is on and nothing says what the asset's sha256 should be. */
export class ChecksumRequiredError extends BuildpackError {
  override name = 'ChecksumRequiredError';

  constructor(entry: Pick<AssetEntry, 'index' | 'repo'>, label: string) {
    super(
      `entry ${entry.index} (${entry.repo}): no checksum exists for ${label} (no sha256 pin, no GitHub digest, no checksums file), and BP_GITHUB_ASSETS_REQUIRE_CHECKSUM=true requires one. Add sha256 = "<hex>" to the entry, or name the release's checksums file with checksums = "checksums.txt".`,
    );
  }
}
