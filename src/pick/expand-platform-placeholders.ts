/**
 * Fills `{arch}` and `{libc}` in an `asset` template with every spelling real releases use, so one template
 * such as `protoc-{version}-linux-{arch}.zip` finds `aarch_64` on arm64 and `x86_64` on amd64, and
 * `tool-{arch}-unknown-linux-{libc}.tar.gz` follows the image's C library.
 */
import {
  type Libc,
  archSpellings,
  libcOfToken,
  libcSpellings,
  multiPartForms,
  osOfToken,
} from './platform-spellings.js';

export interface PlaceholderPlatform {
  readonly arch: string;
  readonly variant?: string | undefined;
  readonly libc: Libc;
}

/** The placeholders this module fills; the others (`{tag}`, `{version}`, `{os}`) are left as they are. */
export const PLATFORM_PLACEHOLDERS = ['arch', 'libc'] as const;

/**
 * Every filling of the template, best first: the canonical spelling before the others. A template without
 * `{arch}` or `{libc}` comes back alone. Compare the names found case-insensitively (`Linux-ARM64`).
 */
export function expandPlatformPlaceholders(template: string, platform: PlaceholderPlatform): string[] {
  const arches = template.includes('{arch}')
    ? spellingsWithForms(archSpellings(platform.arch, platform.variant))
    : [''];
  const libcs = template.includes('{libc}') ? libcSpellings(platform.libc) : [''];
  const filled: string[] = [];
  for (const arch of arches) {
    for (const libc of libcs) {
      filled.push(template.replaceAll('{arch}', arch).replaceAll('{libc}', libc));
    }
  }
  return [...new Set(filled)];
}

/** Spellings that also say the OS (`linux64`) or the libc (`gnueabihf`) cannot stand in for `{arch}` alone. */
function spellingsWithForms(spellings: readonly string[]): string[] {
  const archOnly = spellings.filter(
    (spelling) => osOfToken(spelling) === undefined && libcOfToken(spelling) === undefined,
  );
  return [...new Set(archOnly.flatMap((spelling) => multiPartForms(spelling)))];
}
