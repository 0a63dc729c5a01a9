import type { ServiceBinding } from '../cnb/platform-env.js';
import { ConfigError } from '../config/config-error.js';

/**
 * The mirror base to download from: BP_GITHUB_ASSETS_MIRROR, else a service binding of type
 * `dependency-mirror` as Paketo buildpacks read it (key `github.com`, else `default`). `{originalHost}` in
 * a binding's URL stands for github.com, as in Paketo's mirrors.
 */
export function chooseMirror(
  fromVariable: string | undefined,
  bindings: readonly ServiceBinding[],
): string | undefined {
  if (fromVariable !== undefined) return fromVariable;
  for (const binding of bindings) {
    if (binding.type !== 'dependency-mirror') continue;
    const key = binding.entries.has('github.com') ? 'github.com' : 'default';
    const url = binding.entries.get(key);
    if (url === undefined || url === '') continue;
    const base = url.replace(/\{originalHost\}/g, 'github.com').replace(/\/+$/, '');
    if (!isMirrorUrl(base)) {
      // The value is not shown: a malformed URL may still carry a password.
      throw new ConfigError(
        `The service binding ${binding.name} (type dependency-mirror) has a ${key} entry that is not an https://, http:// or file:// URL. Write the mirror's base URL there, e.g. https://artifactory.example.com/artifactory/github.`,
      );
    }
    return base;
  }
  return undefined;
}

function isMirrorUrl(text: string): boolean {
  try {
    return ['https:', 'http:', 'file:'].includes(new URL(text).protocol);
  } catch {
    return false;
  }
}

/** A mirror laid out like github.com's download paths: `<base>/<owner>/<repo>/releases/download/<tag>/<asset>`. */
export function mirrorUrl(base: string, repo: string, tag: string, assetName: string): string {
  const segments = [...repo.split('/'), 'releases', 'download', tag, assetName].map(encodeURIComponent);
  return `${base}/${segments.join('/')}`;
}
