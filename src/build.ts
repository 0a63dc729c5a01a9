import { rm } from 'node:fs/promises';
import pLimit from 'p-limit';
import { loadAssetConfig } from './config/load-asset-config.js';
import type { AssetEntry } from './config/asset-entry.js';
import type { BuildpackDescriptor } from './cnb/buildpack-descriptor.js';
import type { EnvLookup, ServiceBinding } from './cnb/platform-env.js';
import type { Logger } from './log/logger.js';
import { formatDuration } from './log/format.js';
import { readSettings, type Settings } from './settings.js';
import type { Target } from './cnb/target.js';
import { resolveToken } from './install/resolve-token.js';
import { publicDownloadUrl } from './install/asset-source.js';
import type { LayerPlan } from './install/layer-plan.js';
import { provideLayer } from './install/provide-layer.js';
import type { InstallServices } from './install/services.js';
import { buildTrustRoot, tufCacheDir } from './install/verify-provenance.js';
import { groupByLayer, type LayerGroup } from './layers/layer.js';

export interface BuildContext {
  readonly appDir: string;
  readonly layersDir: string;
  readonly buildpack: BuildpackDescriptor;
  readonly target: Target;
  readonly env: EnvLookup;
  readonly bindings: readonly ServiceBinding[];
  readonly logger: Logger;
  /** Wires the collaborators once settings are known; real ones in production, others in tests. */
  readonly createServices: (settings: Settings, logger: Logger) => Promise<InstallServices>;
}

/**
 * Installs every configured asset into its repo's layer. All configuration (fields, variables, tokens) is
 * checked before the first request, so a mistake costs no download; layers are provided in parallel, with
 * each layer's log lines printed together in configuration order.
 */
export async function build(context: BuildContext): Promise<void> {
  const { logger } = context;
  const started = Date.now();
  logger.title(`${context.buildpack.name} ${context.buildpack.version}`);
  const settings = readSettings(context.env, context.bindings);
  const mirrorPassword = settings.mirror === undefined ? '' : new URL(settings.mirror).password;
  if (mirrorPassword !== '') logger.redact(decodeURIComponent(mirrorPassword));
  if (settings.mirror !== undefined)
    logger.process(`Downloading through the mirror ${publicDownloadUrl(settings.mirror)}`);

  const config = await loadAssetConfig({ appDir: context.appDir, env: context.env });
  if (config === undefined || config.entries.length === 0) {
    logger.process('No assets configured; nothing to install.');
    return;
  }
  for (const warning of config.warnings) logger.warn(warning);
  const plans = groupByLayer(config.entries, config.file).map((group) =>
    planLayer(group, config.file, context),
  );
  for (const plan of plans) if (plan.token !== undefined) logger.redact(plan.token.value);

  let loading: Promise<InstallServices> | undefined;
  const services = (): Promise<InstallServices> => (loading ??= context.createServices(settings, logger));
  const limit = pLimit(settings.concurrency);
  const trustRoot = buildTrustRoot(context.env, context.bindings, context.layersDir);
  const groups = plans.map(() => logger.group());
  const work = plans.map((plan, i) =>
    provideLayer(plan, {
      layersDir: context.layersDir,
      configFile: config.file,
      settings,
      target: context.target,
      buildpack: context.buildpack,
      services,
      limit,
      logger: groups[i] ?? logger,
      trustRoot,
    }),
  );
  // Every layer runs to its end even when one fails, so no staging is left behind and each failure is told.
  const settled = await Promise.allSettled(work);
  await rm(tufCacheDir(context.layersDir), { recursive: true, force: true });
  const failures: unknown[] = [];
  settled.forEach((result, i) => {
    groups[i]?.flush();
    if (result.status === 'rejected') failures.push(result.reason);
  });
  if (failures.length > 0)
    throw failures.length === 1 ? failures[0] : new AggregateError(failures, joinMessages(failures));

  const layers = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const reused = layers.filter((layer) => layer.reused).length;
  const assets = layers.reduce((sum, layer) => sum + layer.record.assets.length, 0);
  logger.process(
    `${assets} asset(s) in ${layers.length} layer(s), ${reused} reused, in ${formatDuration(Date.now() - started)}`,
  );
}

/** A layer's plan: its group of entries, and the one token they fetch with. */
function planLayer(group: LayerGroup, configFile: string, context: BuildContext): LayerPlan {
  const first = group.entries[0] as AssetEntry;
  // One token per layer, as all its entries fetch from the same repo: a token_env wins over the defaults.
  const tokens = group.entries.map((entry) => resolveToken(entry, configFile, context.env, context.bindings));
  const named = tokens.find((token, i) => token !== undefined && group.entries[i]?.tokenEnv !== undefined);
  return {
    ...group,
    owner: first.owner,
    repoName: first.name,
    token: named ?? tokens.find((token) => token !== undefined),
  };
}

function joinMessages(failures: readonly unknown[]): string {
  return failures
    .map((failure) => (failure instanceof Error ? failure.message : String(failure)))
    .join('\n\n');
}
