/**
 * Errors of installing an asset. Callers tell only a checksum mismatch apart (it means the bytes may have
 * been tampered with); every other failure is an {@link InstallError} whose message says what to change.
 */
import { BuildpackError } from '../errors.js';
import { entryLabel, type AssetEntry } from '../config/asset-entry.js';

/** An asset could not be installed as configured: no matching asset, no checksum, nothing unpacked. */
export class InstallError extends BuildpackError {
  override name = 'InstallError';
}

/** The downloaded bytes are not the ones published: nothing of the asset is installed. */
export class ChecksumMismatchError extends InstallError {
  override name = 'ChecksumMismatchError';

  constructor(
    assetLabel: string,
    readonly source: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(
      `The sha256 of ${assetLabel} does not match the ${source}: expected ${expected}, got ${actual}. Nothing of it was installed. If the release was re-published on purpose, update the pin; otherwise the download was altered on the way and should not be trusted.`,
    );
  }
}

/** BP_GITHUB_ASSETS_REQUIRE_CHECKSUM is on and nothing says what the asset's sha256 should be. */
export function checksumRequiredError(
  entry: Pick<AssetEntry, 'index' | 'repo'>,
  label: string,
): InstallError {
  return new InstallError(
    `${entryLabel(entry.index, entry.repo)}: no checksum exists for ${label} (no sha256 pin, no GitHub digest, no checksums file), and BP_GITHUB_ASSETS_REQUIRE_CHECKSUM=true requires one. Add sha256 = "<hex>" to the entry, or name the release's checksums file with checksums = "checksums.txt".`,
  );
}

/** An archive that left nothing to install: almost always strip_components or include not fitting it. */
export function emptyInstallError(
  entry: Pick<AssetEntry, 'index' | 'repo' | 'stripComponents' | 'include'>,
  label: string,
): InstallError {
  const settings = [
    `strip_components = ${entry.stripComponents}`,
    ...(entry.include === undefined ? [] : [`include = ${JSON.stringify(entry.include)}`]),
  ].join(' and ');
  return new InstallError(
    `${entryLabel(entry.index, entry.repo)}: ${label} installed no file: with ${settings}, nothing of the archive is left. List the archive's members (tar -tf or unzip -l on the downloaded asset) and adjust strip_components or include to match them.`,
  );
}
