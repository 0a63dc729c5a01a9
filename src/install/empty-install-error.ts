import { BuildpackError } from '../errors.js';
import type { AssetEntry } from '../config/asset-entry.js';

/** An archive that left nothing to install: almost always strip_components or include not fitting it. */
export class EmptyInstallError extends BuildpackError {
  override name = 'EmptyInstallError';

  constructor(entry: Pick<AssetEntry, 'index' | 'repo' | 'stripComponents' | 'include'>, label: string) {
    const settings = [
      `strip_components = ${entry.stripComponents}`,
      ...(entry.include === undefined ? [] : [`include = ${JSON.stringify(entry.include)}`]),
    ].join(' and ');
    super(
      `entry ${entry.index} (${entry.repo}): ${label} installed no file: with ${settings}, nothing of the archive is left. List the archive's members (tar -tf or unzip -l on the downloaded asset) and adjust strip_components or include to match them.`,
    );
  }
}
