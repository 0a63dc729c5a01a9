import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { isWriteFailure, LayerWriteError } from '../archive/archive-errors.js';
import { targetLabel } from '../cnb/target.js';
import type { Layer } from '../layers/layer.js';
import type { LayerRecord } from '../layers/layer-record.js';
import { installEntry } from './install-entry.js';
import type { LayerContext, LayerOutcome, LayerPlan } from './layer-plan.js';
import { releaseRecord, requestedTag, type InstallableRelease } from './resolve-releases.js';
import type { InstallServices } from './services.js';

/**
 * Installs every asset of a layer into a staging directory and publishes it as the layer only when all of
 * them succeeded; on any failure the layer is removed, so no half-installed layer reaches the image.
 */
export async function installLayer(
  plan: LayerPlan,
  layer: Layer,
  releases: ReadonlyMap<string, InstallableRelease>,
  requestDigest: string,
  services: InstallServices,
  context: LayerContext,
): Promise<LayerOutcome> {
  const { layersDir } = context;
  await layer.reset();
  // Staging lives beside the layer, on the same filesystem, so publishing it is a rename. The lifecycle
  // ignores a directory that has no toml, and this one is removed whatever happens.
  const staging = await mkdtemp(path.join(layersDir, `.staging-${plan.name}-`)).catch((error: unknown) => {
    // A read-only or full layers directory is the platform's doing, not a bug: say so in words.
    throw isWriteFailure(error) ? new LayerWriteError(plan.repo, '', error) : error;
  });
  try {
    const installed = await Promise.all(
      plan.entries.map((entry) =>
        context.limit(async () => {
          const release = releases.get(requestedTag(entry));
          if (release === undefined) throw new Error(`no release resolved for entry ${entry.index}`);
          const stagingDir = path.join(staging, `asset-${entry.index}`);
          const { asset, files } = await installEntry(plan, entry, release, stagingDir, services, context);
          return { asset, files, stagingDir };
        }),
      ),
    );
    const layerRoot = path.join(staging, 'layer');
    // Merged in configuration order; a clash names both assets, never a staging directory.
    const merged: { assetName: string; files: readonly string[] }[] = [];
    for (const { asset, files, stagingDir } of installed) {
      await services.merge(stagingDir, layerRoot, { assetName: asset.name, earlier: merged });
      merged.push({ assetName: asset.name, files });
    }
    const record: LayerRecord = {
      repo: plan.repo,
      releases: [...releases.values()].map(releaseRecord),
      requestDigest,
      buildpackVersion: context.buildpack.version,
      target: targetLabel(context.target),
      assets: installed.map(({ asset }) => asset),
    };
    await layer.publish(layerRoot);
    await layer.write(record, context.settings.sbom ? context.buildpack : undefined);
    return { name: plan.name, reused: false, record };
  } catch (error) {
    await layer.reset();
    throw error;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
