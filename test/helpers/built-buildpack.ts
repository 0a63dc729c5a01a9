import { existsSync } from 'node:fs';
import path from 'node:path';

/** The repository root, which `npm run build` makes a complete buildpack. */
export const buildpackDir = path.resolve(import.meta.dirname, '../..');

/** Fails with the fix when the executables were not built, rather than with a confusing spawn error. */
export function requireBuiltBuildpack(): string {
  if (!existsSync(path.join(buildpackDir, 'bin', 'run'))) {
    throw new Error('bin/run is missing: run `npm run build` before the integration tests.');
  }
  return buildpackDir;
}
