/**
 * Base of every error this buildpack raises on purpose. Its message is shown to the user as it is, in one
 * paragraph, so it must say what went wrong and what to do about it; anything else that reaches the entry
 * point is a bug and is shown with its stack.
 */
export class BuildpackError extends Error {
  override name = 'BuildpackError';
}
