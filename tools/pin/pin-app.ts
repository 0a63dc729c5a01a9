import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BuildpackApi, Platform, ReleaseAsset } from './buildpack-api.js';
import { writePins, type EntryPins } from './edit-project-toml.js';

/** The platforms the buildpack targets (buildpack.toml [[targets]]). */
export const TARGET_PLATFORMS: readonly Platform[] = [
  { os: 'linux', arch: 'amd64' },
  { os: 'linux', arch: 'arm64' },
];

export interface PinResult {
  /** The config file, relative to the app dir. */
  readonly file: string;
  /** One line per entry whose pins changed. */
  readonly changes: readonly string[];
  /** Platforms an entry has no asset for, with the buildpack's reason; those stay unpinned. */
  readonly skipped: readonly string[];
}

/**
 * Resolves every entry of the app for every target platform, downloads and hashes each asset, and writes
 * the exact tag and the sha256 (one value when every platform gets the same file, else one per platform)
 * into the app's config file. The file is replaced atomically, and only when something changed.
 */
export async function pinApp(
  appDir: string,
  api: BuildpackApi,
  platforms: readonly Platform[] = TARGET_PLATFORMS,
): Promise<PinResult> {
  const config = await api.loadEntries(appDir);
  if (config === undefined) {
    throw new Error(`${path.join(appDir, 'project.toml')} does not exist: there is nothing to pin.`);
  }
  const pins: EntryPins[] = [];
  const skipped: string[] = [];
  for (const entry of config.entries) {
    const release = await api.resolveRelease(entry, config.file);
    const chosen = new Map<string, ReleaseAsset>();
    for (const platform of platforms) {
      const key = `${platform.os}/${platform.arch}`;
      try {
        chosen.set(key, api.selectAsset(entry, release, platform));
      } catch (error) {
        skipped.push(
          `entry ${entry.index} (${entry.repo}) ${key}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    if (chosen.size === 0) continue;
    const digests = new Map<number, string>();
    for (const asset of new Set(chosen.values())) {
      digests.set(asset.id, await api.hashAsset(entry, config.file, release, asset));
    }
    const byPlatform: Record<string, string> = {};
    for (const [key, asset] of chosen) byPlatform[key] = digests.get(asset.id) ?? '';
    const single = new Set(Object.values(byPlatform));
    const [only] = single;
    pins.push({
      index: entry.index,
      tag: release.tag,
      // One file for every platform is one pin; otherwise each platform gets its own.
      sha256: single.size === 1 && chosen.size === platforms.length && only !== undefined ? only : byPlatform,
    });
  }
  const file = path.join(appDir, config.file);
  const before = await readFile(file, 'utf8');
  const { text, changes } = writePins(before, config.file, pins);
  if (text !== before) {
    const temporary = `${file}.pin-${process.pid}`;
    await writeFile(temporary, text);
    await rename(temporary, file);
  }
  return { file: config.file, changes, skipped };
}
