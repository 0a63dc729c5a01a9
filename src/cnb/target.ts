import type { EnvLookup } from './platform-env.js';

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

/** The target the image is built for; lifecycles older than platform API 0.12 do not say, so use the host's. */
export function readTarget(env: EnvLookup, hostArch: string): Target {
  const hostToCnb: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386' };
  return {
    os: env('CNB_TARGET_OS') ?? 'linux',
    arch: env('CNB_TARGET_ARCH') ?? hostToCnb[hostArch] ?? hostArch,
    variant: env('CNB_TARGET_ARCH_VARIANT'),
  };
}

/** `linux/arm64/v8`: the target as recorded in layer metadata and the request digest. */
export function targetLabel(target: Target): string {
  return [target.os, target.arch, target.variant]
    .filter((part) => part !== undefined && part !== '')
    .join('/');
}
