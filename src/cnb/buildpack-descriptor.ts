import { readFile } from 'node:fs/promises';
import path from 'node:path';
import TOML from '@iarna/toml';
import { BuildpackError } from '../errors.js';

/** What the buildpack knows about itself, from its own buildpack.toml. */
export interface BuildpackDescriptor {
  readonly id: string;
  readonly name: string;
  readonly version: string;
  readonly homepage: string | undefined;
  readonly sbomFormats: readonly string[];
}

export async function readBuildpackDescriptor(buildpackDir: string): Promise<BuildpackDescriptor> {
  const file = path.join(buildpackDir, 'buildpack.toml');
  let parsed: TOML.JsonMap;
  try {
    parsed = TOML.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new BuildpackError(
      `The buildpack's own ${file} could not be read; the buildpack is damaged: reinstall it.`,
      { cause: error },
    );
  }
  const buildpack = (parsed['buildpack'] ?? {}) as Record<string, unknown>;
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  const formats = buildpack['sbom-formats'];
  return {
    id: text(buildpack['id']) ?? 'unknown',
    name: text(buildpack['name']) ?? 'GitHub Release Assets Buildpack',
    version: text(buildpack['version']) ?? '0.0.0',
    homepage: text(buildpack['homepage']),
    sbomFormats: Array.isArray(formats) ? formats.filter((f): f is string => typeof f === 'string') : [],
  };
}
