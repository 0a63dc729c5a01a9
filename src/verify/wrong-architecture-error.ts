import { BuildpackError } from '../errors.js';
import type { BinaryFinding } from './check-layer-binaries.js';
import type { BinaryTarget } from './binary-target.js';

/**
 * A layer holds a program that cannot run on the image being built: wrong machine, wrong class, or a loader
 * the image does not have. Raised after unpacking, before the layer is kept.
 */
export class WrongArchitectureError extends BuildpackError {
  override name = 'WrongArchitectureError';
  readonly findings: readonly BinaryFinding[];

  /** `entry` says which configuration asked for it, e.g. `the entry for jqlang/jq in project.toml`. */
  constructor(findings: readonly BinaryFinding[], target: BinaryTarget, entry: string) {
    super(describe(findings, target, entry));
    this.findings = findings;
  }
}

function describe(findings: readonly BinaryFinding[], target: BinaryTarget, entry: string): string {
  const [first] = findings;
  if (first === undefined) return `Every binary of ${entry} fits linux/${target.arch}.`;
  const more =
    findings.length > 1 ? ` (and ${findings.length - 1} other file${findings.length > 2 ? 's' : ''})` : '';
  const image = `this image is linux/${target.arch} with ${target.libc === 'musl' ? 'musl' : 'glibc'}`;
  if (first.problem === 'loader') {
    return (
      `${first.file}${more} from ${entry} needs glibc's loader ${first.interpreter ?? ''}, but ${image}, which has no ` +
      'glibc loader: it would fail with "not found" when run. Leave `asset` out so the musl build is picked, or put ' +
      '`{libc}` in the `asset` template; if the image provides glibc compatibility after all, set `arch_check = false` on this entry.'
    );
  }
  return (
    `${first.file}${more} from ${entry} is built for ${first.builtFor}, but ${image}: it would fail with ` +
    '"exec format error" when run. Leave `asset` out so the build for each architecture is picked, or put `{arch}` ' +
    'in the `asset` template; if the layer is meant to hold binaries for another architecture (a cross-compiler, ' +
    'a multi-arch bundle), set `arch_check = false` on this entry.'
  );
}
