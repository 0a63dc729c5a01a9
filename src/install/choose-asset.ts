/**
 * Decides which file of a release an entry installs: the `asset` it names, or, when it names none, the build
 * the picker chooses for the image from the release's asset list. Every pick is explained in the log.
 */
import { entryLabel, type AssetEntry } from '../config/asset-entry.js';
import type { Target } from '../cnb/target.js';
import type { Logger } from '../log/logger.js';
import { describeCandidates, describePick } from '../pick/describe-pick.js';
import { pickAsset, type AssetPick } from '../pick/pick-asset.js';
import { repoName } from '../pick/tool-name.js';
import { InstallError } from './errors.js';
import { releaseTag, type InstallableRelease } from './resolve-releases.js';

export interface ChosenAsset {
  /** The entry with `asset` set: as configured, or the picked asset's exact name. */
  readonly entry: AssetEntry & { readonly asset: string };
  /** The pick, when the buildpack chose the asset; undefined when the entry named it. */
  readonly pick: AssetPick | undefined;
}

export interface ChooseContext {
  /** The configuration file, for messages. */
  readonly configFile: string;
  readonly target: Target;
  readonly logger: Logger;
}

/** The asset an entry installs from `release`, or an InstallError saying why none fits and what to write. */
export function chooseAsset(
  entry: AssetEntry,
  release: InstallableRelease,
  context: ChooseContext,
): ChosenAsset {
  if (entry.asset !== undefined) return { entry: { ...entry, asset: entry.asset }, pick: undefined };
  const where = `${context.configFile}: ${entryLabel(entry.index, entry.repo)}`;
  const tag = releaseTag(release);
  if (release.kind !== 'fetched') {
    // Behind a mirror a pinned release is never looked up: without its asset names, any choice is a guess.
    throw new InstallError(
      `${where} names no asset, and with BP_GITHUB_ASSETS_MIRROR set release ${tag} is fetched from the mirror without asking GitHub for its asset list, so the buildpack cannot pick the build for the image and will not guess. Set asset to the file's name or a template, e.g. asset = "${repoName(entry.repo)}_{version}_{os}_{arch}.tar.gz", with {arch} and {libc} where the names have them.`,
    );
  }
  const { target, logger } = context;
  const result = pickAsset({
    assets: release.release.assets.map((asset) => asset.name),
    repo: entry.repo,
    platform: { os: target.os, arch: target.arch, variant: target.variant, libc: target.libc },
    version: tag,
  });
  for (const line of describeCandidates(result))
    logger.debug(`${entryLabel(entry.index, entry.repo)}: ${line}`);
  if (result.outcome === 'refused') throw new InstallError(`${where}: ${result.message}`);
  logger.subprocess(describePick(result));
  return { entry: { ...entry, asset: result.asset }, pick: result };
}
