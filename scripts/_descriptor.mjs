// The per-arch buildpack.toml of a package: the repository's descriptor with only one target.
import { isDeepStrictEqual } from 'node:util';
import TOML from '@iarna/toml';

/**
 * buildpack.toml with its [[targets]] cut down to linux/<arch>, everything else kept as written. pack checks a
 * buildpack's declared targets against the builder's (pkg/dist/buildpack_descriptor.go EnsureTargetSupport),
 * so a per-arch package that declared both would be accepted by the wrong builder and fail at detect with
 * "exec format error"; declaring only its own target makes pack refuse it up front.
 */
export function descriptorForTarget(text, arch) {
  const kept = [];
  let inTargets = false;
  for (const line of text.split('\n')) {
    const header = /^\s*\[\[?\s*([\w.-]+)\s*\]\]?\s*(#.*)?$/.exec(line);
    if (header) {
      const wasInTargets = inTargets;
      inTargets = header[1] === 'targets' || header[1].startsWith('targets.');
      if (inTargets && !wasInTargets && !kept.some((l) => l === '[[targets]]')) {
        kept.push('[[targets]]', '  os = "linux"', `  arch = "${arch}"`, '');
      }
    }
    // Comments between sections stay; the targets' own keys and blank lines go.
    if (!inTargets || /^\s*#/.test(line)) kept.push(line);
  }
  const result = kept.join('\n');
  // The rewrite is textual, so check it: only the targets differ, and they are exactly this arch.
  const before = TOML.parse(text);
  const after = TOML.parse(result);
  const declared = (before.targets ?? []).some((t) => t.os === 'linux' && t.arch === arch);
  const restBefore = { ...before };
  delete restBefore.targets;
  const { targets, ...restAfter } = after;
  if (
    !declared ||
    !isDeepStrictEqual(restBefore, restAfter) ||
    !isDeepStrictEqual(targets, [{ os: 'linux', arch }])
  ) {
    throw new Error(`buildpack.toml: could not cut [[targets]] down to linux/${arch}; does it declare it?`);
  }
  return result;
}
