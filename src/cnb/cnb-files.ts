/**
 * Every file the CNB contract has the buildpack write or read lives here, so the contract has one home:
 * the detect plan, `<layer>.toml` (types under [types], free-form [metadata]), the layer directory, and
 * `<layer>.sbom.cdx.json`.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import TOML from '@iarna/toml';

export interface LayerTypes {
  readonly launch: boolean;
  readonly build: boolean;
  readonly cache: boolean;
}

/** Free-form layer metadata; TOML has no null, so values are never null. */
export type LayerMetadata = TOML.JsonMap;

export interface BuildPlan {
  readonly provides: readonly { name: string }[];
  readonly requires: readonly { name: string; metadata?: TOML.JsonMap }[];
}

export async function writeBuildPlan(planPath: string, plan: BuildPlan): Promise<void> {
  await writeFile(planPath, TOML.stringify(plan as unknown as TOML.JsonMap));
}

export function layerDir(layersDir: string, name: string): string {
  return path.join(layersDir, name);
}

/**
 * The metadata the lifecycle restored for a layer from the previous build (its [types] are gone by then),
 * or undefined when there is none or it cannot be read: an unreadable toml just means no reuse.
 */
export async function readRestoredLayerMetadata(
  layersDir: string,
  name: string,
): Promise<LayerMetadata | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(layersDir, `${name}.toml`), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const metadata = TOML.parse(text)['metadata'];
    return typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata)
      ? (metadata as LayerMetadata)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Writes `<layer>.toml`; written last, so a layer the lifecycle sees is always a complete one. */
export async function writeLayerToml(
  layersDir: string,
  name: string,
  types: LayerTypes,
  metadata: LayerMetadata,
): Promise<void> {
  const file = path.join(layersDir, `${name}.toml`);
  const document: TOML.JsonMap = { types: { ...types }, metadata };
  // Write then rename, so an interrupted build never leaves half a toml for the lifecycle to choke on.
  await writeFile(`${file}.partial`, TOML.stringify(document));
  await rename(`${file}.partial`, file);
}

export async function writeLayerSbom(layersDir: string, name: string, cyclonedx: object): Promise<void> {
  await writeFile(path.join(layersDir, `${name}.sbom.cdx.json`), `${JSON.stringify(cyclonedx, null, 2)}\n`);
}

/** Removes a layer completely: directory, toml and SBOM, so nothing of a replaced or failed layer remains. */
export async function removeLayer(layersDir: string, name: string): Promise<void> {
  await Promise.all([
    rm(layerDir(layersDir, name), { recursive: true, force: true }),
    rm(path.join(layersDir, `${name}.toml`), { force: true }),
    rm(path.join(layersDir, `${name}.toml.partial`), { force: true }),
    rm(path.join(layersDir, `${name}.sbom.cdx.json`), { force: true }),
  ]);
}

/** Moves a fully staged directory into place as the layer's directory. */
export async function publishLayerDir(layersDir: string, name: string, stagedDir: string): Promise<void> {
  await mkdir(layersDir, { recursive: true });
  await rename(stagedDir, layerDir(layersDir, name));
}
