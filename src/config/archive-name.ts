import { ARCHIVE_SUFFIXES } from '../archive/asset-format.js';

/**
 * Guesses from an asset's name whether it is an archive that unpacks into a directory, as opposed to a
 * single file (a binary, or one compressed file). The config only needs this to work out default paths when
 * checking that two entries do not overwrite each other, and to warn about archive-only options on plain
 * files; the installer decides from the bytes themselves.
 * Whether the asset name (or template) ends like a tar or zip archive.
 */
export function looksLikeArchive(asset: string): boolean {
  const lower = asset.toLowerCase();
  return ARCHIVE_SUFFIXES.some((suffix) => lower.endsWith(suffix));
}
