import { libcOfDistro, type Libc } from '../pick/platform-spellings.js';
import { readLibcSetting } from '../settings.js';
import type { EnvLookup } from './platform-env.js';

/**
 * The platform the image is built for, from CNB_TARGET_OS / CNB_TARGET_ARCH / CNB_TARGET_ARCH_VARIANT, and
 * the C library its run image has. Picking, templates and the binary check all read this one value.
 */
export interface Target {
  readonly os: string;
  readonly arch: string;
  readonly variant: string | undefined;
  readonly libc: Libc;
}

/**
 * The target the image is built for; lifecycles older than platform API 0.12 do not say, so use the host's.
 * The libc is BP_GITHUB_ASSETS_LIBC when set, else the one the target distro is built on.
 */
export function readTarget(env: EnvLookup, hostArch: string): Target {
  const hostToCnb: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386' };
  return {
    os: env('CNB_TARGET_OS') ?? 'linux',
    arch: env('CNB_TARGET_ARCH') ?? hostToCnb[hostArch] ?? hostArch,
    variant: env('CNB_TARGET_ARCH_VARIANT'),
    libc: readLibcSetting(env) ?? libcOfDistro(env('CNB_TARGET_DISTRO_NAME')),
  };
}

/** `linux/arm64/v8`: the target as recorded in layer metadata and the request digest. */
export function targetLabel(target: Pick<Target, 'os' | 'arch' | 'variant'>): string {
  return [target.os, target.arch, target.variant]
    .filter((part) => part !== undefined && part !== '')
    .join('/');
}
