import { promisedFormat } from '../archive/asset-format.js';

/**
 * Guesses from an asset's name (or template) whether it is an archive that unpacks into a directory (a tar,
 * compressed or not, or a zip), as opposed to a single file (a binary, or one compressed file). The config
 * only needs this to work out default paths when checking that two entries do not overwrite each other, and to
 * warn about archive-only options on plain files; the installer decides from the bytes themselves.
 */
export function looksLikeArchive(asset: string): boolean {
  const promised = promisedFormat(asset);
  return promised !== undefined && (promised.tar || promised.outer === 'zip');
}
