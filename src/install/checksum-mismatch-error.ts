import { BuildpackError } from '../errors.js';

/** The downloaded bytes are not the ones published: nothing of the asset is installed. */
export class ChecksumMismatchError extends BuildpackError {
  override name = 'ChecksumMismatchError';

  constructor(
    readonly assetLabel: string,
    readonly source: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(
      `The sha256 of ${assetLabel} does not match the ${source}: expected ${expected}, got ${actual}. Nothing of it was installed. If the release was re-published on purpose, update the pin; otherwise the download was altered on the way and should not be trusted.`,
    );
  }
}
