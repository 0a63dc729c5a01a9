/**
 * Lets the executable load Node's built-in modules from the code cache Node ships for them.
 *
 * V8 accepts a code cache only under the flag hash it was made with, and four of the executable's V8 flags
 * (scripts/_sea.mjs) change that hash: every built-in module a phase loads (crypto, fs/promises, net, zlib,
 * child_process, ...) was compiled from source. None of those flags is needed while the modules load:
 * --initial-old-space-size did its work when the heap was made, and the others are read when WebAssembly
 * is compiled (undici's HTTP parser, at the first request) or a context is made. So, before the rest of the
 * program loads, those flags are set to V8's defaults, the phase's built-in modules are loaded, and the
 * flags are set back to what the executable started with: detect 9 ms faster, a tar.zst build 40 ms
 * (BENCHMARKS.md, issue 13's tenth pass). Node's streams still compile from source: node:v8, which opens
 * the window, loads them. Imported by main.ts right after the settings guard.
 */
import { isSea } from 'node:sea';
import { setFlagsFromString } from 'node:v8';
import { phaseCalled } from './cnb/phase-context.js';

/**
 * Every flag of the executable that enters V8's flag hash, the ones its flags imply included, as
 * [value the executable starts with, V8's default]. test/packaging/builtins-code-cache.test.ts checks both
 * columns on the shipped Nodes (arm64's under qemu-user): the defaults give the hash of a Node started
 * without flags, and the first column gives back the executable's own.
 */
export const HASHED_FLAGS: readonly (readonly [started: string, byDefault: string])[] = [
  ['--initial-old-space-size=32', '--initial-old-space-size=0'],
  ['--single-threaded', '--no-single-threaded'],
  // Implied by --single-threaded.
  ['--wasm-num-compilation-tasks=0', '--wasm-num-compilation-tasks=128'],
  ['--no-wasm-async-compilation', '--wasm-async-compilation'],
  ['--liftoff-only', '--no-liftoff-only'],
  // Implied by --liftoff-only (--no-wasm-tier-up by --single-threaded too).
  ['--no-wasm-tier-up', '--wasm-tier-up'],
  ['--no-wasm-dynamic-tiering', '--wasm-dynamic-tiering'],
  ['--expose-gc', '--no-expose-gc'],
];

/** The built-in modules detect loads, each with the internal modules it needs. */
const DETECT_BUILTINS = [
  'node:crypto',
  'node:fs/promises',
  'node:net',
  'node:os',
  'node:stream',
  'node:stream/promises',
  'node:string_decoder',
] as const;

/**
 * The built-in modules a build loads. Not tls: loaded when the first https:// connection is made
 * (src/download/http-dispatcher.ts), it would add 2 MB of peak RSS to a build that never makes one.
 */
const BUILD_BUILTINS = [
  ...DETECT_BUILTINS,
  'node:assert',
  'node:child_process',
  'node:timers/promises',
  'node:zlib',
] as const;

/** The built-in modules the phase loads (detect would take 4.5 ms to load the build's others). */
export const PHASE_BUILTINS = { detect: DETECT_BUILTINS, build: BUILD_BUILTINS } as const;

/** Loads `modules` with the flags of the hash at V8's defaults, then sets the executable's flags back. */
export function loadWithNodeCodeCache(modules: readonly (typeof BUILD_BUILTINS)[number][]): void {
  setFlagsFromString(HASHED_FLAGS.map(([, byDefault]) => byDefault).join(' '));
  try {
    for (const name of modules) process.getBuiltinModule(name);
  } finally {
    setFlagsFromString(HASHED_FLAGS.map(([started]) => started).join(' '));
  }
}

// Only the executable starts with these flags: under plain Node (the tests) closing the window would set them.
if (isSea()) {
  const phase = phaseCalled([process.argv0, process.argv[1] ?? '']);
  if (phase !== undefined) loadWithNodeCodeCache(PHASE_BUILTINS[phase]);
}
