import picomatch from 'picomatch';

/** How an archive's member paths become paths inside the layer. */
export interface MemberPathRules {
  /** Root-relative directory the archive unpacks into, as segments ([] for the root itself). */
  readonly destination: readonly string[];
  readonly stripComponents: number;
  readonly include: readonly string[] | undefined;
  /** Zip names written on Windows can smuggle `\` separators and drive letters; tar names cannot. */
  readonly windowsNames: boolean;
}

/** Where a member goes: root-relative segments, or why it is skipped or refused. */
export type MemberPlacement =
  | { readonly kind: 'place'; readonly segments: readonly string[] }
  | { readonly kind: 'skip' }
  | { readonly kind: 'unsafe'; readonly reason: string };

/** Checks a member path and maps it through strip_components, include and the destination. */
export function placeMember(
  memberPath: string,
  rules: MemberPathRules,
  matchInclude: (path: string) => boolean,
): MemberPlacement {
  const problem = unsafePathReason(memberPath, rules.windowsNames);
  if (problem !== undefined) return { kind: 'unsafe', reason: problem };
  // Like GNU tar, "./" counts as a component for strip_components, and shorter members are skipped.
  const components = memberPath.split('/').filter((segment) => segment !== '');
  if (components.length <= rules.stripComponents) return { kind: 'skip' };
  const kept = components.slice(rules.stripComponents).filter((segment) => segment !== '.');
  if (kept.length === 0) return { kind: 'skip' };
  if (!matchInclude(kept.join('/'))) return { kind: 'skip' };
  return { kind: 'place', segments: [...rules.destination, ...kept] };
}

/** A matcher for the include globs (matched after strip_components); everything matches when there are none. */
export function includeMatcher(include: readonly string[] | undefined): (path: string) => boolean {
  if (include === undefined || include.length === 0) return () => true;
  return picomatch([...include], { dot: true });
}

/** Linux's NAME_MAX and PATH_MAX: longer names fail at the file system with an error full of staging paths. */
const MAX_NAME_BYTES = 255;
const MAX_PATH_BYTES = 4095;

function unsafePathReason(memberPath: string, windowsNames: boolean): string | undefined {
  if (memberPath.includes('\0')) return 'has a NUL byte in its path';
  if (Buffer.byteLength(memberPath) > MAX_PATH_BYTES) {
    return `has a path longer than ${MAX_PATH_BYTES} bytes, more than the file system allows`;
  }
  if (memberPath.split('/').some((segment) => Buffer.byteLength(segment) > MAX_NAME_BYTES)) {
    return `has a path component longer than ${MAX_NAME_BYTES} bytes, more than the file system allows`;
  }
  if (memberPath.startsWith('/')) return 'has an absolute path, which would land outside the layer';
  if (windowsNames) {
    if (memberPath.includes('\\'))
      return 'has a backslash in its path (a Windows separator that could climb out)';
    if (/^[A-Za-z]:/.test(memberPath)) return 'has a Windows drive letter in its path';
  }
  // Refused anywhere, not only where it would climb out, as GNU tar does: such names are never legitimate.
  if (memberPath.split('/').includes('..')) return "has a '..' component in its path, which could climb out";
  return undefined;
}

/** Why a symlink at `linkSegments` (root-relative) with this target could point outside the root, if it could. */
export function unsafeSymlinkTargetReason(
  linkSegments: readonly string[],
  target: string,
): string | undefined {
  if (target.length === 0) return 'is a symlink with an empty target';
  if (target.includes('\0')) return 'is a symlink whose target has a NUL byte';
  if (target.startsWith('/'))
    return `is a symlink to the absolute path ${JSON.stringify(target)}, outside the layer`;
  const parts = target.split('/').filter((part) => part !== '' && part !== '.');
  const climbs = parts.findIndex((part) => part !== '..');
  const leadingUps = climbs === -1 ? parts.length : climbs;
  // "a/../.." looks harmless written out, but if "a" is itself a link the real path climbs higher, so '..'
  // is only accepted before the first name, where it climbs through real directories of this layer.
  if (parts.slice(leadingUps).includes('..')) {
    return `is a symlink whose target ${JSON.stringify(target)} has '..' after a name, which could leave the layer`;
  }
  if (leadingUps > linkSegments.length - 1) {
    return `is a symlink whose target ${JSON.stringify(target)} points outside the layer`;
  }
  return undefined;
}
