import { BuildpackError } from '../errors.js';

/** The asset is corrupt, truncated or uses a feature we cannot unpack. */
export class ArchiveFormatError extends BuildpackError {
  override name = 'ArchiveFormatError';
  readonly assetName: string;
  /** The format the asset was read as ('tar.gz', 'zip', ...). */
  readonly format: string;

  constructor(assetName: string, format: string, problem: string, options?: { cause?: unknown }) {
    super(
      `Could not unpack ${JSON.stringify(assetName)} as ${format}: ${problem}. The download may be corrupt or ` +
        'truncated (a retry of the build may help), or the asset is not what this entry expects: check the ' +
        'asset name in the configuration and the release page.',
      options,
    );
    this.assetName = assetName;
    this.format = format;
  }
}
