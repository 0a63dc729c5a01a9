// src/builtins-code-cache.ts sets the executable's V8 flags that enter V8's flag hash to their defaults while
// Node's built-in modules load, then sets them back. Checked here on the Node the executable is made from,
// started with the executable's flags: the defaults must give the hash Node's code cache was made under,
// and setting the flags back must give the executable's own hash, or WebAssembly and the heap would run
// under other flags than the ones measured.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEA_EXEC_ARGV } from '../../scripts/_sea.mjs';
import { HASHED_FLAGS, PHASE_BUILTINS } from '../../src/builtins-code-cache.js';
import { ROOT } from './helpers.js';

const SHIPPED_NODE = join(ROOT, 'node_modules', `node-linux-${process.arch}`, 'bin', 'node');
const scratch = mkdtempSync(join(tmpdir(), 'builtins-code-cache-'));
// The module as the executable has it: bundled with what it imports, for a Node that runs JavaScript.
const BUNDLED_MODULE = join(scratch, 'builtins-code-cache.mjs');

/** Runs an ES module `script` on the shipped Node with `flags` and returns what it prints, parsed. */
function runShippedNode(flags: readonly string[], script: string): unknown {
  const result = spawnSync(SHIPPED_NODE, [...flags, '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

const STARTED_FLAGS = HASHED_FLAGS.map(([value]) => value).join(' ');
const DEFAULT_FLAGS = HASHED_FLAGS.map(([, value]) => value).join(' ');

describe('the code cache window of the executable', () => {
  beforeAll(() => {
    if (!existsSync(SHIPPED_NODE)) {
      throw new Error(`${SHIPPED_NODE} is missing: run \`npm install\` (it is a devDependency)`);
    }
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

  it("at V8's defaults, the hashed flags give the hash of a Node started without flags", () => {
    const plain = runShippedNode([], `import v8 from 'node:v8'; console.log(v8.cachedDataVersionTag());`);
    const tags = runShippedNode(
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
  });

  it("loads every module of the build's list and leaves the executable's flags as they were", () => {
    const result = runShippedNode(
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
  });
});
