import { entryLabel, type AssetEntry } from '../config/asset-entry.js';
import { ConfigError } from '../config/config-error.js';
import type { EnvLookup, ServiceBinding } from '../cnb/platform-env.js';
import type { Token } from '../github/token.js';

/**
 * The token for an entry: the variable its token_env names, else GITHUB_TOKEN, else a service binding of
 * type `github` with a `token` key (how kpack and Tekton mount secrets). A token_env that names an unset or
 * empty variable is an error before anything is downloaded, since the build would otherwise fail later
 * with a confusing 404 for a private repo.
 */
export function resolveToken(
  entry: Pick<AssetEntry, 'index' | 'repo' | 'tokenEnv'>,
  configFile: string,
  env: EnvLookup,
  bindings: readonly ServiceBinding[],
): Token | undefined {
  if (entry.tokenEnv !== undefined) {
    const value = env(entry.tokenEnv)?.trim();
    if (value === undefined || value === '') {
      throw new ConfigError(
        `${configFile}: ${entryLabel(entry.index, entry.repo)}: token_env names ${entry.tokenEnv}, but ${entry.tokenEnv} is not set or is empty. Pass it to the build, e.g. pack build --env ${entry.tokenEnv} (which takes the value from your shell), or remove token_env for a public repo.`,
      );
    }
    return { value, source: entry.tokenEnv };
  }
  const fromEnv = env('GITHUB_TOKEN')?.trim();
  if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, source: 'GITHUB_TOKEN' };
  const binding = bindings.find((candidate) => candidate.type === 'github' && candidate.entries.has('token'));
  const fromBinding = binding?.entries.get('token');
  if (binding !== undefined && fromBinding !== undefined && fromBinding !== '') {
    return { value: fromBinding, source: `service binding ${binding.name} (type github)` };
  }
  return undefined;
}
