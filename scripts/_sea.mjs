// Helpers that turn a CommonJS bundle into a Node single-executable application (SEA): write the
// preparation blob with a Node binary of the exact version that will run it, copy a Node binary and inject
// the blob with postject. Shared by scripts/build.mjs (host executable) and scripts/package.mjs (per arch).
// See https://nodejs.org/api/single-executable-applications.html
import { spawnSync } from 'node:child_process';
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { chmod, copyFile, mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { inject } from 'postject';

/** The fuse Node looks for to know a blob was injected (documented in the SEA page). */
export const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

/** ELF e_machine values of the architectures we ship, keyed by CNB arch name. */
export const ELF_MACHINE = { amd64: 0x3e, arm64: 0xb7 };

/** qemu-user emulator and Debian cross sysroot (libc6-<arch>-cross) to run another arch's Node. */
export const EMULATOR = {
  amd64: ['qemu-x86_64', '-L', '/usr/x86_64-linux-gnu'],
  arm64: ['qemu-aarch64', '-L', '/usr/aarch64-linux-gnu'],
};

/**
 * V8 flags baked into the executable. The buildpack holds a few MB of objects but streams gigabytes through
 * short-lived Buffers; V8's default 16 MB semi-spaces and lazy old-space growth let those pile up before a
 * collection (peak RSS 167 MB for a 1 GB asset). A 1 MB semi-space and a 128 MB old-space ceiling make it
 * collect as it goes (npm run bench, BENCHMARKS.md).
 * - `--initial-old-space-size=32`: the old generation starts with room to grow. Without it V8 sets its limit
 *   just above the 13 MB of live objects, and streaming 138 MB of tar.zst ran ten full mark-compacts (a
 *   sixth of the build's time); with it none, tar.gz and zip 20-30 % faster, and peak RSS no higher.
 * - `--single-threaded`: no V8 background threads. Their compiler and marking work is small here, but each
 *   thread kept a malloc arena of its own (16 MB resident in one of them); peak RSS 5-10 MB lower at no cost
 *   in time on 2 cores.
 * - `--liftoff-only`: undici's HTTP parser (llhttp, WebAssembly) stays with V8's baseline compiler. Its tier-up
 *   to TurboFan, on the first download, compiled one huge state-machine function: a 25 MB spike of compiler
 *   memory that set every build's peak RSS (116-120 MB at 256 MiB, 90-93 without), and main-thread time.
 *   Parsing headers is all llhttp does per response (bodies pass through as slices), so nothing got slower.
 * - `--expose-gc`: the zip reader asks for a minor collection every 2 MiB it inflates, since little else
 *   collects the dead Buffers zlib leaves behind (src/archive/release-dead-buffers.ts).
 * The last four change V8's flag hash, and V8 takes the code cache Node ships for its own modules only under
 * the hash it was made with: src/builtins-code-cache.ts sets them (and what they imply) to V8's defaults
 * while those modules load, and back; its HASHED_FLAGS must follow any change here (its test fails
 * otherwise). Flags that keep the hash measured slower builds (six full mark-compacts without the initial
 * old space; BENCHMARKS.md, sixth pass).
 */
export const SEA_EXEC_ARGV = [
  '--max-semi-space-size=1',
  '--max-old-space-size=128',
  '--initial-old-space-size=32',
  '--single-threaded',
  '--liftoff-only',
  '--expose-gc',
];

/**
 * How the executable starts, besides its code: the V8 flags above and nothing else. The lifecycle hands the
 * buildpack the platform env and earlier buildpacks' build env, where a Node.js app's NODE_OPTIONS
 * (`--require ./.pnp.cjs`, `--max-old-space-size=...`) is common; execArgvExtension "none" makes the
 * executable ignore NODE_OPTIONS (Node >= 24.6, https://github.com/nodejs/node/pull/59560).
 */
export const SEA_RUNTIME_OPTIONS = { execArgv: SEA_EXEC_ARGV, execArgvExtension: 'none' };

/**
 * Writes the SEA preparation blob for `bundle` into `blobPath`, using `generator`: a Node binary of the
 * same version as the binary the blob goes into, or a command array that runs one (e.g. under qemu-user).
 * With `useCodeCache` the blob holds V8 code cache, valid only on the generator's architecture: elsewhere
 * Node rejects it and prints "Warning: Code cache data rejected." on every start.
 */
export async function writeSeaBlob({ generator, bundle, blobPath, useCodeCache }) {
  await mkdir(dirname(blobPath), { recursive: true });
  const configPath = `${blobPath}.config.json`;
  const config = {
    main: bundle,
    output: blobPath,
    disableExperimentalSEAWarning: true,
    useSnapshot: false,
    useCodeCache,
    ...SEA_RUNTIME_OPTIONS,
  };
  await writeFile(configPath, `${JSON.stringify(config, null, 2)}\n`);
  // The code cache is only accepted by a V8 started with the flags it was made under, so the generator runs
  // with the executable's own flags (--single-threaded changes the flag hash; without it every start prints
  // "Code cache data rejected" and compiles from source).
  const [command, ...args] = [generator, ...SEA_EXEC_ARGV, '--experimental-sea-config', configPath].flat();
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) {
    const shown = [command, ...args].join(' ');
    throw new Error(`${shown} failed (${result.status ?? result.error?.message}):\n${result.stderr}`);
  }
  return readFile(blobPath);
}

/**
 * GNU strip for each CNB arch, cross first (binutils-x86-64-linux-gnu, binutils-aarch64-linux-gnu), then the
 * plain `strip` of a machine of that arch. The official Node binary carries its symbol table (about 18 MB of
 * 126 on amd64, 20 of 123 on arm64); nothing at run time reads it, and the stripped executables pass detect
 * and a full build on amd64 and on arm64 under qemu-user (BENCHMARKS.md, "Executable size").
 */
const STRIP_TOOLS = {
  amd64: ['x86_64-linux-gnu-strip', ...(process.arch === 'x64' ? ['strip'] : [])],
  arm64: ['aarch64-linux-gnu-strip', ...(process.arch === 'arm64' ? ['strip'] : [])],
};

/** The strip command for CNB `arch` on this machine, or null when binutils for it is not installed. */
export function stripToolFor(arch) {
  return (STRIP_TOOLS[arch] ?? []).find((tool) => spawnSync(tool, ['--version']).status === 0) ?? null;
}

/**
 * Copies `nodeBinary` to `out`, strips its symbols with `stripTool` (skipped when null) and injects `blob`
 * into it. Writes to a temporary file first so a failed run never leaves a half-made executable behind.
 */
export async function injectSeaBlob({ nodeBinary, blob, out, stripTool }) {
  await mkdir(dirname(out), { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  try {
    await copyFile(nodeBinary, tmp);
    await chmod(tmp, 0o755);
    if (stripTool) {
      const result = spawnSync(stripTool, ['--strip-all', tmp], { encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`${stripTool} ${tmp} failed: ${result.stderr}`);
    }
    await quietly(() => inject(tmp, 'NODE_SEA_BLOB', blob, { sentinelFuse: SEA_FUSE }));
    await chmod(tmp, 0o755);
    await rename(tmp, out);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

// postject's LIEF prints "Can't find string offset for section name '.note...'" for every Node binary;
// it is harmless (the binary runs), so drop those lines and keep anything else it says.
async function quietly(action) {
  const warn = console.warn;
  console.warn = (...args) => {
    if (!String(args[0]).includes("Can't find string offset for section name")) warn(...args);
  };
  try {
    return await action();
  } finally {
    console.warn = warn;
  }
}

/** Reads the ELF header of `file`: null if it is not ELF, else its class, byte order and e_machine. */
export async function readElfHeader(file) {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(20), 0, 20, 0);
    if (bytesRead < 20 || buffer.toString('latin1', 0, 4) !== '\x7fELF') return null;
    const littleEndian = buffer[5] === 1;
    return {
      is64: buffer[4] === 2,
      littleEndian,
      machine: littleEndian ? buffer.readUInt16LE(18) : buffer.readUInt16BE(18),
    };
  } finally {
    await handle.close();
  }
}

/** sha256 of a buffer or string, hex. */
export function sha256(data) {
  return createHash('sha256').update(data).digest('hex');
}

/** Reads a small JSON stamp file, or null when it is missing or unreadable. */
export async function readStamp(path) {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return null;
  }
}

/** Writes a JSON stamp file next to what it describes. */
export async function writeStamp(path, stamp) {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(stamp, null, 2)}\n`);
}
