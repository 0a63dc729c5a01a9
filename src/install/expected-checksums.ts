import path from 'node:path';
import type { AssetEntry } from '../config/asset-entry.js';
import type { ReleaseAsset } from '../github/release.js';
import { missingPinMessage, pinnedSha256, platformKey } from '../config/platform-pin.js';
import { ChecksumMismatchError, InstallError } from './errors.js';

/** A sha256 the asset must have, and where that expectation came from (for the log and for errors). */
export interface ExpectedChecksum {
  readonly source: string;
  readonly sha256: string;
}

/** What a pin is looked up for: the build's platform, and whether a missing one is an error. */
export interface PinContext {
  readonly target: { readonly os: string; readonly arch: string; readonly variant?: string | undefined };
  readonly requireChecksum: boolean;
}

/**
 * Gathers every sha256 the asset is expected to have: the entry's pin for the build's platform, GitHub's
 * `digest`, and the entry's checksums file. All that exist must agree with the download, so a pin also
 * guards against a release whose asset was replaced, and a digest guards against a mistyped pin. A
 * `sha256` table without the build's platform is an error when a checksum is required.
 */
export async function collectExpectedChecksums(
  entry: Pick<AssetEntry, 'sha256' | 'sha256ByPlatform' | 'index' | 'repo'>,
  asset: Pick<ReleaseAsset, 'digest'> | undefined,
  checksumsFile: { readonly name: string; readonly read: () => Promise<string> } | undefined,
  assetName: string,
  pinContext: PinContext,
): Promise<ExpectedChecksum[]> {
  const expected: ExpectedChecksum[] = [];
  const pin = pinnedSha256(entry, pinContext.target);
  if (pin.status === 'pinned')
    expected.push({ source: 'sha256 pinned in the configuration', sha256: pin.sha256 });
  if (pin.status === 'missing' && pinContext.requireChecksum)
    throw new InstallError(missingPinMessage(entry, platformKey(pinContext.target), pin.pinnedPlatforms));
  const digest = asset?.digest?.match(/^sha256:([0-9a-f]{64})$/i)?.[1];
  if (digest !== undefined)
    expected.push({ source: "release's GitHub digest", sha256: digest.toLowerCase() });
  if (checksumsFile !== undefined) {
    const sha256 = findChecksum(await checksumsFile.read(), assetName);
    if (sha256 === undefined) {
      throw new InstallError(
        `The checksums file ${checksumsFile.name} has no sha256 for ${assetName}. Name the file that lists it in checksums, or remove the checksums field.`,
      );
    }
    expected.push({ source: `checksums file ${checksumsFile.name}`, sha256 });
  }
  return expected;
}

/**
 * Finds an asset's sha256 in a checksums file: GNU lines (`<hex>  <name>`, `<hex> *<name>`), BSD lines
 * (`SHA256 (<name>) = <hex>`), or a file holding nothing but one hash (`tool.tar.gz.sha256`).
 */
export function findChecksum(text: string, assetName: string): string | undefined {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  for (const line of lines) {
    // Some projects list paths from their build tree (`dist/tool.tar.gz`): compare the file name.
    const gnu = line.match(/^([0-9a-fA-F]{64})\s+\*?(.+)$/);
    if (gnu?.[1] !== undefined && gnu[2] !== undefined && path.posix.basename(gnu[2]) === assetName) {
      return gnu[1].toLowerCase();
    }
    const bsd = line.match(/^SHA256\s*\((.+)\)\s*=\s*([0-9a-fA-F]{64})$/);
    if (bsd?.[1] === assetName && bsd[2] !== undefined) return bsd[2].toLowerCase();
  }
  const only = lines.length === 1 ? lines[0]?.match(/^([0-9a-fA-F]{64})(\s+\S.*)?$/) : undefined;
  return only?.[1] !== undefined && only[2] === undefined ? only[1].toLowerCase() : undefined;
}

/** Throws unless the actual hash matches every expectation. */
export function verifyChecksums(
  assetLabel: string,
  actual: string,
  expected: readonly ExpectedChecksum[],
): void {
  for (const { source, sha256 } of expected) {
    if (sha256 !== actual) throw new ChecksumMismatchError(assetLabel, source, sha256, actual);
  }
}
