/**
 * How real release assets spell operating systems, architectures and C libraries. This is the one place
 * that knows the spellings: the asset picker reads names with it, and asset templates fill `{arch}` and
 * `{libc}` from it, so a spelling learnt once serves both.
 */

/** A C library a Linux binary may be linked against. */
export type Libc = 'gnu' | 'musl';

/** Architectures as the CNB platform names them (`CNB_TARGET_ARCH`). */
export type CnbArch =
  | 'amd64'
  | 'arm64'
  | 'arm'
  | '386'
  | 'ppc64le'
  | 'ppc64'
  | 'ppc'
  | 's390x'
  | 'riscv64'
  | 'mips'
  | 'mipsle'
  | 'mips64'
  | 'mips64le'
  | 'loong64'
  | 'sparc64'
  | 'wasm';

/**
 * Spellings of each architecture, lowercase, as single name tokens (multi-part spellings such as `x86_64`
 * and `aarch_64` are joined by {@link joinSpellingParts} before lookup). The first spelling of each list is
 * the canonical one. `x86` is not listed: it means 32-bit x86 in most releases and 64-bit in a few, so the
 * picker decides it per release.
 */
export const ARCH_SPELLINGS: Readonly<Record<CnbArch, readonly string[]>> = {
  amd64: ['amd64', 'x86_64', 'x86-64', 'x64', '64bit', '64-bit', 'x8664', 'linux64', 'win64'],
  arm64: ['arm64', 'aarch64', 'aarch_64', 'arm_64', 'armv8', 'armv8l', 'arm64v8'],
  arm: [
    'arm',
    'armv5',
    'armv5te',
    'armv6',
    'armv6l',
    'armv6hf',
    'armv7',
    'armv7l',
    'armv7a',
    'armv7hl',
    'armhf',
    'armel',
    'arm32',
    'gnueabihf',
    'gnueabi',
    'musleabihf',
    'musleabi',
  ],
  '386': ['386', 'i386', 'i486', 'i586', 'i686', 'x86_32', '32bit', '32-bit', 'linux32', 'win32'],
  ppc64le: ['ppc64le', 'powerpc64le', 'ppcle_64', 'ppc64el'],
  ppc64: ['ppc64', 'powerpc64'],
  ppc: ['ppc', 'powerpc'],
  s390x: ['s390x', 's390_64'],
  riscv64: ['riscv64', 'riscv64gc'],
  mips: ['mips'],
  mipsle: ['mipsle', 'mipsel'],
  mips64: ['mips64'],
  mips64le: ['mips64le', 'mips64el'],
  loong64: ['loong64', 'loongarch64'],
  sparc64: ['sparc64', 'sparcv9'],
  wasm: ['wasm', 'wasm32', 'wasi'],
};

/** The ambiguous x86 spelling: 32-bit unless the release spells 64-bit x86 no other way. */
export const AMBIGUOUS_X86 = 'x86';

/** Operating systems, keyed by the name `CNB_TARGET_OS` (Go's GOOS) uses. */
export const OS_SPELLINGS: Readonly<Record<string, readonly string[]>> = {
  linux: ['linux', 'manylinux', 'musllinux', 'linux64', 'linux32', 'unknown-linux'],
  darwin: ['darwin', 'macos', 'mac', 'osx', 'macosx', 'apple', 'ios'],
  windows: ['windows', 'win', 'win32', 'win64', 'msvc', 'mingw', 'mingw32', 'mingw64', 'cygwin'],
  freebsd: ['freebsd'],
  netbsd: ['netbsd'],
  openbsd: ['openbsd'],
  dragonfly: ['dragonfly', 'dragonflybsd'],
  illumos: ['illumos'],
  solaris: ['solaris', 'sunos'],
  android: ['android', 'androideabi'],
  fuchsia: ['fuchsia'],
  aix: ['aix'],
  plan9: ['plan9'],
  wasm: ['wasm', 'wasm32', 'wasi'],
};

/** C library markers. `gnueabihf` and friends also say 32-bit ARM; manylinux is a glibc build. */
export const LIBC_SPELLINGS: Readonly<Record<Libc, readonly string[]>> = {
  gnu: ['gnu', 'glibc', 'manylinux', 'gnueabihf', 'gnueabi'],
  musl: ['musl', 'musllinux', 'musleabihf', 'musleabi'],
};

/** A marker of a statically linked build: it runs on either C library. */
export const STATIC_SPELLINGS: readonly string[] = ['static'];

/** Tokens that sit in target triples and platform names without saying anything themselves. */
export const FILLER_SPELLINGS: readonly string[] = ['unknown', 'pc', 'none', 'any', 'universal', 'all'];

/**
 * Spellings that a name splits into several tokens (`x86_64` becomes `x86` and `64` once `_` separates
 * tokens); the picker joins them back before looking them up. Longest first, so `x86-64` wins over `x86`.
 */
export const MULTI_PART_SPELLINGS: readonly (readonly string[])[] = [
  ['x86', '64'],
  ['aarch', '64'],
  ['arm', '64'],
  ['x86', '32'],
  ['ppcle', '64'],
  ['s390', '64'],
  ['64', 'bit'],
  ['32', 'bit'],
];

/** Separators between the parts of a multi-part spelling, tried in this order when filling templates. */
const PART_SEPARATORS = ['_', '-'] as const;

/** The spellings of an architecture, canonical first; `arm` with a variant puts that variant's names first. */
export function archSpellings(arch: string, variant?: string): readonly string[] {
  const spellings = ARCH_SPELLINGS[arch as CnbArch] ?? [arch];
  if (arch !== 'arm' || variant === undefined) return spellings;
  const exact = spellings.filter((spelling) => spelling.startsWith(`arm${variant}`));
  return [...exact, ...spellings.filter((spelling) => !exact.includes(spelling))];
}

/** The spellings of a C library, canonical first (`gnu`, `glibc`… / `musl`…), without the ARM-only ones. */
export function libcSpellings(libc: Libc): readonly string[] {
  return LIBC_SPELLINGS[libc].filter((spelling) => !spelling.includes('eabi') && !spelling.endsWith('linux'));
}

/** 32-bit ARM has more spellings than any list holds (`arm7`, `armv7l`, `armv6hf`…); they share this shape. */
const ARM32_SHAPE = /^armv?[5-7][a-z]*$/;

/** The architecture a lowercase name token spells, if it spells one. */
export function archOfToken(token: string): CnbArch | undefined {
  for (const [arch, spellings] of Object.entries(ARCH_SPELLINGS) as [CnbArch, readonly string[]][]) {
    if (spellings.includes(token)) return arch;
  }
  return ARM32_SHAPE.test(token) ? 'arm' : undefined;
}

/** A token that runs an OS and an architecture together (`linuxarm64`, `darwinamd64`), split into the two. */
export function splitFusedToken(token: string): { os: string; arch: CnbArch } | undefined {
  for (let at = 3; at <= token.length - 3; at += 1) {
    const os = osOfToken(token.slice(0, at));
    const arch = os === undefined ? undefined : archOfToken(token.slice(at));
    if (os !== undefined && arch !== undefined) return { os, arch };
  }
  return undefined;
}

/** The ARM variant a 32-bit ARM token names (`armv7` → `v7`, `armhf`/`gnueabihf` → `v7`), if it names one. */
export function armVariantOfToken(token: string): string | undefined {
  const explicit = /^armv?(\d)/.exec(token);
  if (explicit) return `v${explicit[1]}`;
  if (token.endsWith('hf')) return 'v7';
  return undefined;
}

/** The operating system a lowercase name token spells, if it spells one. */
export function osOfToken(token: string): string | undefined {
  for (const [os, spellings] of Object.entries(OS_SPELLINGS)) {
    if (spellings.includes(token)) return os;
  }
  return undefined;
}

/** The C library a lowercase name token marks, if it marks one. */
export function libcOfToken(token: string): Libc | undefined {
  if (LIBC_SPELLINGS.musl.includes(token)) return 'musl';
  if (LIBC_SPELLINGS.gnu.includes(token)) return 'gnu';
  return undefined;
}

/** Every way a multi-part spelling may be written, for template matching: `x86_64` and `x86-64`. */
export function multiPartForms(spelling: string): readonly string[] {
  const parts = MULTI_PART_SPELLINGS.find((candidate) =>
    PART_SEPARATORS.some((separator) => candidate.join(separator) === spelling),
  );
  return parts ? PART_SEPARATORS.map((separator) => parts.join(separator)) : [spelling];
}

/**
 * The libc of a CNB target distro (`CNB_TARGET_DISTRO_NAME`): musl for the distros built on it, glibc for
 * every other one (and when the platform names no distro).
 */
export function libcOfDistro(distroName: string | undefined): Libc {
  const musl = ['alpine', 'chimera', 'postmarketos', 'adelie'];
  return distroName !== undefined && musl.includes(distroName.trim().toLowerCase()) ? 'musl' : 'gnu';
}
