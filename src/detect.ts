import { loadAssetConfig } from './config/load-asset-config.js';
import type { BuildPlan } from './cnb/build-plan.js';
import type { EnvLookup } from './cnb/platform-env.js';
import type { Logger } from './log/logger.js';
import { groupByLayer } from './layers/layer.js';

export interface DetectContext {
  readonly appDir: string;
  readonly env: EnvLookup;
  readonly logger: Logger;
}

export type DetectResult =
  { readonly pass: true; readonly plan: BuildPlan } | { readonly pass: false; readonly reason: string };

/** The name this buildpack both provides and requires, so its plan resolves whatever else is in the group. */
export const PLAN_NAME = 'github-release-assets';

/**
 * Passes when the configuration names at least one asset. Invalid configuration throws (detect then fails
 * the build with the message), because passing over it silently would ship an image without the tools.
 */
export async function detect(context: DetectContext): Promise<DetectResult> {
  const config = await loadAssetConfig({ appDir: context.appDir, env: context.env });
  if (config === undefined) {
    return { pass: false, reason: 'No project.toml (or GITHUB_ASSETS_PATH file) in the app directory.' };
  }
  for (const warning of config.warnings) context.logger.warn(warning);
  if (config.entries.length === 0) {
    return { pass: false, reason: `${config.file} has no [[metadata.githubassets]] entries.` };
  }
  // Build would refuse two repos that share a layer; detect refuses them too, before any build starts.
  const repos = groupByLayer(config.entries, config.file).map((group) => group.repo);
  context.logger.process(`${config.file}: ${config.entries.length} asset(s) from ${repos.join(', ')}`);
  return {
    pass: true,
    plan: { provides: [{ name: PLAN_NAME }], requires: [{ name: PLAN_NAME, metadata: { repos } }] },
  };
}
