/** A GitHub token and where it came from; messages name the source, never the value. */
export type { Credential as Token } from '../download/errors.js';
