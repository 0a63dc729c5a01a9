/** The releases the benchmark serves and the apps (project.toml) it builds, one per measurement. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FakeRepo } from '../fake-github/index.js';
import type { BenchAsset, BenchAssets } from './bench-assets.js';

export const OWNER = 'bench';
export const TAG = 'v1.0.0';

/** One asset as an app asks for it, and where curl would fetch it from. */
export interface AppEntry {
  readonly repo: string;
  readonly asset: BenchAsset;
  /** Where it lands in the layer: a directory for an archive, a file path for a raw asset. */
  readonly destination: string;
}

/** One repo per asset (so one layer each, as separate tools would be), every release at the same pinned tag. */
export function benchRepos(assets: BenchAssets): FakeRepo[] {
  const all = [
    ...assets.archives,
    assets.tool,
    ...assets.rss.flatMap((rss) => rss.assets),
    ...assets.payload,
    ...assets.small,
  ];
  return all.map((asset) => ({
    owner: OWNER,
    name: repoNameOf(asset),
    releases: [{ tag: TAG, assets: [{ name: asset.name, file: asset.file }] }],
  }));
}

export function repoNameOf(asset: BenchAsset): string {
  const kind =
    asset.format === 'raw' ? '' : asset.format === 'tar.gz' ? '-tgz' : `-${asset.format.replace('.', '')}`;
  return `${asset.name.replace(/-linux-amd64.*$/, '').replace(/\./g, '-')}${kind}`;
}

export function entryFor(asset: BenchAsset): AppEntry {
  const name = repoNameOf(asset);
  return {
    repo: `${OWNER}/${name}`,
    asset,
    destination: asset.format === 'raw' ? `bin/${name}` : `opt/${name}`,
  };
}

/** Writes an app directory whose project.toml names `entries` with pinned tags. */
export async function writeApp(dir: string, entries: readonly AppEntry[]): Promise<string> {
  await mkdir(dir, { recursive: true });
  const tables = entries.map(
    (entry) =>
      `[[metadata.githubassets]]\nrepo = "${entry.repo}"\nasset = "${entry.asset.name}"\ntag = "${TAG}"\ndestination = "${entry.destination}"\n`,
  );
  await writeFile(path.join(dir, 'project.toml'), tables.join('\n'));
  return dir;
}
