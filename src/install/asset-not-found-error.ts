import { BuildpackError } from '../errors.js';

/** The release has no asset matching an entry (or more than one); the message lists what it has. */
export class AssetNotFoundError extends BuildpackError {
  override name = 'AssetNotFoundError';
}
