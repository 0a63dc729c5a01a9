import { BuildpackError } from '../errors.js';

/** Invalid configuration: the message names the file, the entry, the field and the fix. */
export class ConfigError extends BuildpackError {
  override name = 'ConfigError';
}
