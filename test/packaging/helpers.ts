// Shared by the packaging tests: where the built executables are, how to read an ELF header, and how to
// run an executable the way the lifecycle does (no shell, no Node.js on the machine).
import { spawnSync } from 'node:child_process';
import type { SpawnSyncReturns } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  openSync,
  readSync,
  closeSync,
  readdirSync,
  mkdirSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'bin');

/** ELF e_machine of the architectures we ship. */
export const EM_X86_64 = 0x3e;
export const EM_AARCH64 = 0xb7;
export const HOST_MACHINE = process.arch === 'arm64' ? EM_AARCH64 : EM_X86_64;

/** Fails with a message that says what to do when bin/run has not been built. */
export function requireBuiltExecutable(): void {
  if (!existsSync(join(BIN, 'run'))) {
    throw new Error('bin/run is missing: run `npm run build` before the packaging tests');
  }
}

export interface ElfHeader {
  is64: boolean;
  littleEndian: boolean;
  machine: number;
}

/** The ELF identification and e_machine of a file, or null when it is not ELF. */
export function readElfHeader(file: string): ElfHeader | null {
  const fd = openSync(file, 'r');
  try {
    const header = Buffer.alloc(20);
    if (readSync(fd, header, 0, 20, 0) < 20 || header.toString('latin1', 0, 4) !== '\x7fELF') return null;
    const littleEndian = header[5] === 1;
    return {
      is64: header[4] === 2,
      littleEndian,
      machine: littleEndian ? header.readUInt16LE(18) : header.readUInt16BE(18),
    };
  } finally {
    closeSync(fd);
  }
}

/** A fresh CNB detect setup: an empty app dir (the working directory), a platform dir and a plan file. */
export function detectFixture(): { app: string; platform: string; plan: string } {
  const dir = mkdtempSync(join(tmpdir(), 'packaging-'));
  const app = join(dir, 'workspace');
  const platform = join(dir, 'platform');
  mkdirSync(app);
  mkdirSync(join(platform, 'env'), { recursive: true });
  const plan = join(dir, 'plan.toml');
  writeFileSync(plan, '');
  return { app, platform, plan };
}

/**
 * Runs `bin/detect` of `buildpackDir` as the lifecycle would: exec'd directly with the platform and plan
 * paths, from the app dir, with a minimal environment. With `hideNode`, it runs in a mount namespace where
 * every Node binary on the machine is covered by /dev/null, and the script checks node really is gone.
 */
export function runDetect(
  buildpackDir: string,
  { hideNode = false, emulator = [] as string[] } = {},
): SpawnSyncReturns<string> {
  const { app, platform, plan } = detectFixture();
  const detect = [...emulator, join(buildpackDir, 'bin', 'detect'), platform, plan];
  const hidden = everyNode().map((node) => `mount --bind /dev/null ${shellQuote(node)}`);
  const script = [
    'set -e',
    ...hidden,
    'if node -e 0 2>/dev/null; then echo "node is still runnable" >&2; exit 99; fi',
    'exec "$@"',
  ].join('\n');
  const [command, ...args] = hideNode ? ['unshare', '-m', 'sh', '-c', script, 'sh', ...detect] : detect;
  return spawnSync(command ?? 'false', args, {
    cwd: app,
    encoding: 'utf8',
    timeout: 30_000,
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: process.env['HOME'] ?? '/root',
      CNB_BUILDPACK_DIR: buildpackDir,
      CNB_PLATFORM_DIR: platform,
      CNB_BUILD_PLAN_PATH: plan,
      CNB_TARGET_OS: 'linux',
      CNB_TARGET_ARCH: process.arch === 'arm64' ? 'arm64' : 'amd64',
    },
  });
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** Every `node` this machine could run: on PATH, the test runner's own, and the ones in node_modules. */
export function everyNode(): string[] {
  const found = new Set<string>([process.execPath]);
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'node'))) found.add(join(dir, 'node'));
  }
  for (const pkg of readdirSync(join(ROOT, 'node_modules')).filter((name) =>
    name.startsWith('node-linux-'),
  )) {
    const node = join(ROOT, 'node_modules', pkg, 'bin', 'node');
    if (existsSync(node)) found.add(node);
  }
  for (const node of ['/usr/bin/node', '/usr/local/bin/node', '/bin/node']) {
    if (existsSync(node)) found.add(node);
  }
  return [...found];
}

/**
 * qemu-user (qemu-aarch64 from qemu-user, or qemu-aarch64-static from qemu-user-static) with a Debian cross
 * sysroot (libc6-arm64-cross, libstdc++6-arm64-cross), if here.
 */
export function aarch64Emulator(): string[] | null {
  const sysroot = '/usr/aarch64-linux-gnu';
  if (!existsSync(join(sysroot, 'lib', 'libstdc++.so.6'))) return null;
  const qemu = ['qemu-aarch64', 'qemu-aarch64-static'].find(
    (name) => spawnSync(name, ['-version']).status === 0,
  );
  return qemu === undefined ? null : [qemu, '-L', sysroot];
}

/** Why the arm64 executable cannot be run here, for the skipped test's note. */
export const NO_AARCH64_EMULATOR =
  'no qemu-aarch64 with an arm64 sysroot: apt-get install qemu-user-static libc6-arm64-cross libstdc++6-arm64-cross';

/** Whether `file` still has an ELF symbol table (.symtab), by readelf; null when readelf is missing. */
export function hasSymbolTable(file: string): boolean | null {
  const result = spawnSync('readelf', ['--section-headers', '--wide', file], { encoding: 'utf8' });
  if (result.status !== 0) return null;
  return /\s\.symtab\s/.test(result.stdout);
}

/**
 * Skips the running test when `condition` holds, saying why on stderr (vitest's default reporter shows a
 * test's console output, not a skip note), so no test is skipped silently.
 */
export function skipWhen(
  skip: (condition: boolean, note?: string) => void,
  condition: boolean,
  why: string,
): void {
  if (!condition) return;
  console.warn(`skipped: ${why}`);
  skip(true, why);
}

/** Node prints this on every start when a SEA's code cache was made for another architecture. */
export const CODE_CACHE_REJECTED = 'Code cache data rejected';

/** Whether this process may make a mount namespace (root, or unprivileged user namespaces). */
export function canHideNode(): boolean {
  return spawnSync('unshare', ['-m', 'true']).status === 0;
}
