import type { ServiceBinding } from '../cnb/platform-env.js';

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
    const url = binding.entries.get('github.com') ?? binding.entries.get('default');
    if (url !== undefined && url !== '')
      return url.replace(/\{originalHost\}/g, 'github.com').replace(/\/+$/, '');
  }
  return undefined;
}

/** A mirror laid out like github.com's download paths: `<base>/<owner>/<repo>/releases/download/<tag>/<asset>`. */
export function mirrorUrl(base: string, repo: string, tag: string, assetName: string): string {
  const segments = [...repo.split('/'), 'releases', 'download', tag, assetName].map(encodeURIComponent);
  return `${base}/${segments.join('/')}`;
}
