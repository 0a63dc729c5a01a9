import path from 'node:path';

/** A destination either normalised, or the reason it cannot be used. */
export type DestinationCheck =
  | { readonly ok: true; readonly destination: string | undefined }
  | { readonly ok: false; readonly reason: string; readonly fix: string };

/**
 * Normalises a `destination` and makes sure it stays inside the layer (github-assets-cnb joined it to the
 * layer path unchecked, so `../../x` wrote anywhere). `./bin/` becomes `bin`; an empty destination or one
 * that comes back to the layer root means the default, as it did in github-assets-cnb.
 */
export function normaliseDestination(raw: string): DestinationCheck {
  if (raw.includes('\0')) {
    return { ok: false, reason: 'contains a NUL character', fix: 'Remove it.' };
  }
  if (raw.includes('\\')) {
    const suggestion = raw.replaceAll('\\', '/');
    return {
      ok: false,
      reason: 'contains a backslash',
      fix: `Separate directories with forward slashes: destination = ${JSON.stringify(suggestion)}.`,
    };
  }
  if (path.posix.isAbsolute(raw)) {
    const relative = path.posix.normalize(raw).replace(/^\/+/, '');
    return {
      ok: false,
      reason: 'is an absolute path',
      fix: `Write a path relative to the layer, e.g. destination = ${JSON.stringify(relative || 'bin')}; the layer's bin/ is put on PATH.`,
    };
  }
  const normalised = path.posix.normalize(raw).replace(/\/+$/, '');
  if (normalised === '..' || normalised.startsWith('../')) {
    return {
      ok: false,
      reason: 'climbs out of the layer with ".."',
      fix: 'Write a path inside the layer, e.g. destination = "bin".',
    };
  }
  if (normalised === '.' || normalised === '') return { ok: true, destination: undefined };
  return { ok: true, destination: normalised };
}
