/**
 * Whether every member of an archive sits under one top-level directory (`fd-v10.3.0-x86_64-…/fd`), which is
 * how most release tarballs are made. A picked archive with one is unpacked as if `strip_components = 1`
 * had been written, so its programs land at the layer's root and `bin/` without the user saying so.
 */

/** Directories that are already a Unix layout, which unpacking into a layer keeps as they are. */
const LAYOUT_DIRECTORIES: readonly string[] = [
  'bin',
  'sbin',
  'lib',
  'lib64',
  'libexec',
  'share',
  'usr',
  'opt',
  'etc',
];

/** The one top-level directory all member paths share, or undefined when they do not share one. */
export function sharedTopDirectory(memberPaths: readonly string[]): string | undefined {
  let shared: string | undefined;
  let holdsMore = false;
  for (const member of memberPaths) {
    const parts = member
      .replace(/^\.\//, '')
      .split('/')
      .filter((part) => part !== '' && part !== '.');
    const [top, ...rest] = parts;
    if (top === undefined) continue;
    if (shared === undefined) shared = top;
    else if (shared !== top) return undefined;
    if (rest.length > 0) holdsMore = true;
  }
  // A lone file at the top (`tool`) is not a directory to strip, and `bin/` or `usr/` is a layout to keep.
  return holdsMore && shared !== undefined && !LAYOUT_DIRECTORIES.includes(shared) ? shared : undefined;
}
