import pLimit from 'p-limit';
import { loadAssetConfig } from './config/load-asset-config.js';
import { ConfigError } from './config/config-error.js';
import type { AssetEntry } from './config/asset-entry.js';
import type { BuildpackDescriptor } from './cnb/buildpack-descriptor.js';
import type { EnvLookup, ServiceBinding } from './cnb/platform-env.js';
import type { Logger } from './log/logger.js';
import { formatDuration } from './log/format.js';
import { readSettings, type Settings } from './settings.js';
import type { Target } from './install/target.js';
import { resolveToken } from './install/resolve-token.js';
import { chooseMirror } from './install/mirror.js';
import { publicDownloadUrl } from './install/asset-source.js';
import { provideLayer, type LayerOutcome, type LayerPlan } from './install/install-layer.js';
import type { InstallServices } from './install/services.js';
import { layerNameFor } from './layers/layer-name.js';

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

export interface BuildResult {
  readonly layers: readonly LayerOutcome[];
}

/**
 * Installs every configured asset into its repo's layer. All configuration (fields, variables, tokens) is
 * checked before the first request, so a mistake costs no download; layers are provided in parallel, with
 * each layer's log lines printed together in configuration order.
 */
export async function build(context: BuildContext): Promise<BuildResult> {
  const { logger } = context;
  const started = Date.now();
  logger.title(`${context.buildpack.name} ${context.buildpack.version}`);
  const variables = readSettings(context.env);
  const settings: Settings = { ...variables, mirror: chooseMirror(variables.mirror, context.bindings) };
  const mirrorPassword = settings.mirror === undefined ? '' : new URL(settings.mirror).password;
  if (mirrorPassword !== '') logger.redact(decodeURIComponent(mirrorPassword));
  if (settings.mirror !== undefined)
    logger.process(`Downloading through the mirror ${publicDownloadUrl(settings.mirror)}`);

  const config = await loadAssetConfig({ appDir: context.appDir, env: context.env });
  if (config === undefined || config.entries.length === 0) {
    logger.process('No assets configured; nothing to install.');
    return { layers: [] };
  }
  for (const warning of config.warnings) logger.warn(warning);
  const plans = planLayers(config.entries, config.file, context);
  for (const plan of plans) if (plan.token !== undefined) logger.redact(plan.token.value);

  let loading: Promise<InstallServices> | undefined;
  const services = (): Promise<InstallServices> => (loading ??= context.createServices(settings, logger));
  const limit = pLimit(settings.concurrency);
  const groups = plans.map(() => logger.group());
  const work = plans.map((plan, i) =>
    provideLayer(plan, {
      layersDir: context.layersDir,
      settings,
      target: context.target,
      buildpack: context.buildpack,
      services,
      limit,
      logger: groups[i] ?? logger,
    }),
  );
  // Every layer runs to its end even when one fails, so no staging is left behind and each failure is told.
  const settled = await Promise.allSettled(work);
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
  return { layers };
}

/** One layer per repo, holding that repo's entries in configuration order. */
function planLayers(entries: readonly AssetEntry[], configFile: string, context: BuildContext): LayerPlan[] {
  const plans = new Map<string, { repo: string; entries: AssetEntry[] }>();
  for (const entry of entries) {
    const name = layerNameFor(entry.owner, entry.name);
    const plan = plans.get(name) ?? { repo: entry.repo, entries: [] };
    if (plan.repo !== entry.repo) {
      throw new ConfigError(
        `${configFile}: entry ${entry.index} (${entry.repo}) and the entries of ${plan.repo} would share the layer ${name}, since a layer name cannot hold "." — GitHub repos so alike are almost certainly a typo: check the repo fields.`,
      );
    }
    plan.entries.push(entry);
    plans.set(name, plan);
  }
  return [...plans].map(([name, { repo, entries: repoEntries }]) => {
    const first = repoEntries[0] as AssetEntry;
    // One token per layer, as all its entries fetch from the same repo: a token_env wins over the defaults.
    const tokens = repoEntries.map((entry) => resolveToken(entry, configFile, context.env, context.bindings));
    const named = tokens.find((token, i) => token !== undefined && repoEntries[i]?.tokenEnv !== undefined);
    return {
      name,
      owner: first.owner,
      repoName: first.name,
      repo,
      entries: repoEntries,
      token: named ?? tokens.find((token) => token !== undefined),
    };
  });
}

function joinMessages(failures: readonly unknown[]): string {
  return failures
    .map((failure) => (failure instanceof Error ? failure.message : String(failure)))
    .join('\n\n');
}
