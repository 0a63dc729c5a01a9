/**
 * One layer of this buildpack, as the CNB contract lays it out under the layers dir: the directory
 * `<name>/`, `<name>.toml` (types under [types], free-form [metadata]) and `<name>.sbom.cdx.json`. Everything
 * that reads or writes those files is here, as in packit's `Layer` and libcnb's `Layer`.
 */
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import TOML from '@iarna/toml';
import type { BuildpackDescriptor } from '../cnb/buildpack-descriptor.js';
import { entryLabel, type AssetEntry } from '../config/asset-entry.js';
import { ConfigError } from '../config/config-error.js';
import { fromLayerMetadata, toLayerMetadata, type LayerMetadata, type LayerRecord } from './layer-record.js';
import { layerSbom } from './sbom.js';

export interface LayerTypes {
  readonly launch: boolean;
  readonly build: boolean;
  readonly cache: boolean;
}

/**
 * The layer a repo's assets go into: `<owner>_<repo>`, as github-assets-cnb named it, so probe paths such as
 * /layers/<buildpack>/grpc-ecosystem_grpc-health-probe/bin/grpc_health_probe keep working. A `.` becomes `_`
 * because the lifecycle takes a layer's name up to the first dot when it reads SBOM file names.
 */
export function layerNameFor(owner: string, name: string): string {
  return `${owner}_${name}`.replace(/\./g, '_');
}

export class Layer {
  /** The layer's directory, which becomes a layer of the image (or of the build, or of the cache). */
  readonly path: string;

  constructor(
    readonly layersDir: string,
    readonly name: string,
    readonly types: LayerTypes,
  ) {
    this.path = path.join(layersDir, name);
  }

  private get tomlPath(): string {
    return path.join(this.layersDir, `${this.name}.toml`);
  }

  private get sbomPath(): string {
    return path.join(this.layersDir, `${this.name}.sbom.cdx.json`);
  }

  /**
   * What the previous build recorded in this layer, as the lifecycle restored it (its [types] are gone by
   * then), or undefined when there is none or it cannot be read: an unreadable toml just means no reuse.
   */
  async restoredRecord(): Promise<LayerRecord | undefined> {
    let text: string;
    try {
      text = await readFile(this.tomlPath, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const metadata = TOML.parse(text)['metadata'];
      return typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata)
        ? fromLayerMetadata(metadata as LayerMetadata)
        : undefined;
    } catch {
      return undefined;
    }
  }

  /** Whether the layer's directory exists (a cached layer's files are restored; a launch-only one's are not). */
  async hasDirectory(): Promise<boolean> {
    return stat(this.path).then(
      (info) => info.isDirectory(),
      () => false,
    );
  }

  /** Removes the layer completely: directory, toml and SBOM, so nothing of a replaced or failed layer remains. */
  async reset(): Promise<void> {
    await Promise.all([
      rm(this.path, { recursive: true, force: true }),
      rm(this.tomlPath, { force: true }),
      rm(`${this.tomlPath}.partial`, { force: true }),
      rm(this.sbomPath, { force: true }),
    ]);
  }

  /** Moves a fully staged directory into place as the layer's directory. */
  async publish(stagedDir: string): Promise<void> {
    await mkdir(this.layersDir, { recursive: true });
    await rename(stagedDir, this.path);
  }

  /**
   * Writes the SBOM (unless `sbomFor` is undefined) and then `<name>.toml`: the toml comes last, so a layer
   * the lifecycle sees is always a complete one.
   */
  async write(record: LayerRecord, sbomFor: BuildpackDescriptor | undefined): Promise<void> {
    if (sbomFor !== undefined) {
      await writeFile(this.sbomPath, `${JSON.stringify(layerSbom(record, sbomFor), null, 2)}\n`);
    }
    const document: TOML.JsonMap = { types: { ...this.types }, metadata: toLayerMetadata(record) };
    // Write then rename, so an interrupted build never leaves half a toml for the lifecycle to choke on.
    await writeFile(`${this.tomlPath}.partial`, TOML.stringify(document));
    await rename(`${this.tomlPath}.partial`, this.tomlPath);
  }
}

/** The entries that go into one layer: those of one repo, in configuration order. */
export interface LayerGroup {
  readonly name: string;
  readonly repo: string;
  readonly entries: readonly AssetEntry[];
}

/**
 * One layer per repo. Two repos whose names differ only where a layer name cannot (`.` against `_`) would
 * share a layer: that is refused here, so detect and build reject the same configurations.
 */
export function groupByLayer(entries: readonly AssetEntry[], configFile: string): LayerGroup[] {
  const groups = new Map<string, { repo: string; entries: AssetEntry[] }>();
  for (const entry of entries) {
    const name = layerNameFor(entry.owner, entry.name);
    const group = groups.get(name) ?? { repo: entry.repo, entries: [] };
    if (group.repo !== entry.repo) {
      throw new ConfigError(
        `${configFile}: ${entryLabel(entry.index, entry.repo)} and the entries of ${group.repo} would share the layer ${name}, since a layer name cannot hold "." — GitHub repos so alike are almost certainly a typo: check the repo fields.`,
      );
    }
    group.entries.push(entry);
    groups.set(name, group);
  }
  return [...groups].map(([name, group]) => ({ name, ...group }));
}
