/**
 * The pin tool's one point of contact with the buildpack's modules (config, GitHub client, asset selection,
 * download): everything it needs from them goes through here, so a change of their signatures is adapted in
 * this file alone.
 */
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AssetEntry } from '../../src/config/asset-entry.js';
import { loadAssetConfig } from '../../src/config/load-asset-config.js';
import type { Release, ReleaseAsset } from '../../src/github/release.js';
import type { Token } from '../../src/github/token.js';
import { chooseAsset } from '../../src/install/choose-asset.js';
import { createInstallServices } from '../../src/install/create-services.js';
import { resolveToken } from '../../src/install/resolve-token.js';
import { selectAsset } from '../../src/install/select-asset.js';
import type { ClosableInstallServices } from '../../src/install/services.js';
import { createLogger } from '../../src/log/logger.js';
import { debugLogging, readSettings } from '../../src/settings.js';

export type { AssetEntry, Release, ReleaseAsset, Token };

/** One os/arch the buildpack builds for. */
export interface Platform {
  readonly os: string;
  readonly arch: string;
}

/** What the pin tool asks of the buildpack. */
export interface BuildpackApi {
  /** The app's validated entries and the config file they are in (relative to the app dir). */
  loadEntries(appDir: string): Promise<{ file: string; entries: readonly AssetEntry[] } | undefined>;
  /** The release the entry names (its tag, else the latest). */
  resolveRelease(entry: AssetEntry, file: string): Promise<Release>;
  /** The asset of the release the entry picks for a platform; throws the buildpack's message when none. */
  selectAsset(entry: AssetEntry, release: Release, platform: Platform): ReleaseAsset;
  /** Downloads the asset and returns the sha256 of its bytes (nothing is kept). */
  hashAsset(entry: AssetEntry, file: string, release: Release, asset: ReleaseAsset): Promise<string>;
  close(): Promise<void>;
}

/** The API base and tokens come from the same variables the build reads. */
export function createBuildpackApi(env: (name: string) => string | undefined): BuildpackApi {
  const logger = createLogger({
    write: (line) => process.stderr.write(`${line}\n`),
    debug: debugLogging(env),
  });
  const settings = readSettings(env);
  // The build's own wiring (connection pool, client, downloader with its credential rules and limits), so
  // the pins are made exactly as the build will fetch; loaded on first use, closed by close().
  let wiring: Promise<ClosableInstallServices> | undefined;
  const services = () =>
    (wiring ??= createInstallServices(settings, logger, 'github-release-assets-buildpack-pin'));
  const tokenFor = (entry: AssetEntry, file: string): Token | undefined => {
    const token = resolveToken(entry, file, env, []);
    if (token !== undefined) logger.redact(token.value);
    return token;
  };

  return {
    async loadEntries(appDir) {
      const config = await loadAssetConfig({ appDir, env });
      return config === undefined ? undefined : { file: config.file, entries: config.entries };
    },
    async resolveRelease(entry, file) {
      const { github } = await services();
      const result = await github.resolveRelease(
        { owner: entry.owner, name: entry.name, tag: entry.tag, token: tokenFor(entry, file) },
        logger,
      );
      if (result.status !== 'ok')
        throw new Error(`GitHub answered "not modified" for ${entry.repo} without a previous answer`);
      return result.release;
    },
    selectAsset(entry, release, platform) {
      // A pin is keyed os/arch, so an entry the buildpack picks for is pinned for glibc images.
      const target = { os: platform.os, arch: platform.arch, variant: undefined, libc: 'gnu' } as const;
      const { entry: chosen } = chooseAsset(
        entry,
        { kind: 'fetched', requested: entry.tag ?? '', release },
        {
          configFile: 'project.toml',
          target,
          logger,
        },
      );
      return selectAsset(chosen, 'asset', chosen.asset, release.assets, { tag: release.tag, target });
    },
    async hashAsset(entry, file, release, asset) {
      const token = tokenFor(entry, file);
      // Like the build: public assets through their download link, private ones through the API with the token.
      const { download } = await services();
      const result = await download(
        {
          url: token === undefined ? asset.browserDownloadUrl : asset.apiUrl,
          token,
          expectedSize: asset.size,
          label: `${asset.name} from ${entry.repo} ${release.tag}`,
        },
        (body) => pipeline(body, new Writable({ write: (_chunk, _encoding, done) => done() })),
        { logger },
      );
      return result.sha256;
    },
    close: async () => {
      if (wiring !== undefined) await (await wiring).close();
    },
  };
}
