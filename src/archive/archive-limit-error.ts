import { BuildpackError } from '../errors.js';

/** Which unpacking limit was exceeded, and the variable that raises it. */
export type ArchiveLimit = 'bytes' | 'entries';

const LIMIT_VARIABLE: Record<ArchiveLimit, string> = {
  bytes: 'BP_GITHUB_ASSETS_MAX_BYTES',
  entries: 'BP_GITHUB_ASSETS_MAX_ENTRIES',
};

/** The asset unpacks to more bytes or entries than allowed (a decompression bomb, or a limit set too low). */
export class ArchiveLimitError extends BuildpackError {
  override name = 'ArchiveLimitError';
  readonly assetName: string;
  readonly limit: ArchiveLimit;
  /** The limit in force (bytes or entries). */
  readonly value: number;
  /** The environment variable that raises the limit. */
  readonly variable: string;

  constructor(assetName: string, limit: ArchiveLimit, value: number) {
    const variable = LIMIT_VARIABLE[limit];
    const what = limit === 'bytes' ? `${value} bytes when unpacked` : `${value} entries`;
    super(
      `Stopped unpacking ${JSON.stringify(assetName)}: it holds more than ${what}, the limit. ` +
        `If the asset really is that large, raise the limit by setting ${variable} (for example ` +
        `${variable}=${value * 4}) in the build environment; otherwise it may be a decompression bomb.`,
    );
    this.assetName = assetName;
    this.limit = limit;
    this.value = value;
    this.variable = variable;
  }
}
