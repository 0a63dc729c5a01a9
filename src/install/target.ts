/** The platform the image is built for, from CNB_TARGET_OS / CNB_TARGET_ARCH. */
export interface Target {
  readonly os: string;
  readonly arch: string;
  readonly variant: string | undefined;
}

/**
 * Spellings release assets use for each CNB os/arch, as seen across real projects; the CNB name comes
 * first, and it is what `{os}`/`{arch}` expand to when no asset list is at hand (mirrors).
 */
const OS_ALIASES: Readonly<Record<string, readonly string[]>> = {
  linux: ['linux'],
  darwin: ['darwin', 'macos', 'apple-darwin'],
  windows: ['windows', 'win'],
};

const ARCH_ALIASES: Readonly<Record<string, readonly string[]>> = {
  amd64: ['amd64', 'x86_64', 'x64', 'x86-64'],
  arm64: ['arm64', 'aarch64'],
  arm: ['arm', 'armv7', 'armhf', 'armv7l'],
  '386': ['386', 'i386', 'i686', 'x86'],
  ppc64le: ['ppc64le'],
  s390x: ['s390x'],
  riscv64: ['riscv64'],
};

export function osSpellings(target: Target): readonly string[] {
  return OS_ALIASES[target.os] ?? [target.os];
}

export function archSpellings(target: Target): readonly string[] {
  return ARCH_ALIASES[target.arch] ?? [target.arch];
}
