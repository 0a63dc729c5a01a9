import { BuildpackError } from '../errors.js';

/** An archive member that would land outside the layer, write through a link, or is of a kind we refuse. */
export class UnsafeArchiveError extends BuildpackError {
  override name = 'UnsafeArchiveError';
  readonly assetName: string;
  /** The member path as the archive names it (or the path inside the layer for merges). */
  readonly entry: string;
  readonly reason: string;

  constructor(assetName: string, entry: string, reason: string) {
    super(
      `Refusing to unpack ${JSON.stringify(assetName)}: its entry ${JSON.stringify(entry)} ${reason}. ` +
        'Nothing from this asset was installed. If you trust this archive, use an asset of the release without ' +
        'such entries, or narrow what is unpacked with strip_components and include.',
    );
    this.assetName = assetName;
    this.entry = entry;
    this.reason = reason;
  }
}
