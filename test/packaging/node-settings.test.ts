/**
 * The built executable ignores the Node.js settings of the app it builds: the lifecycle hands it the
 * platform env and earlier buildpacks' build env, where a Node.js app's NODE_OPTIONS, NODE_DEBUG and the
 * like are common. detect and build must behave as without them; NODE_EXTRA_CA_CERTS keeps working (it is
 * checked with a real CA in the certificate tests), so here it only must not disturb anything.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { runLifecycle } from '../../tools/lifecycle/lifecycle.js';
import { useSeededGitHub } from '../helpers/seeded-github.js';
import { tempDir } from '../helpers/temp-dir.js';
import { threadPoolSize } from '../../src/thread-pool.js';

const MARKER = 'PRELOAD RAN INSIDE THE BUILDPACK';

const setup = useSeededGitHub();

/** An app with project.toml and preloads that would print MARKER and leave a file if Node ran them. */
async function appWithPreloads(projectToml: string): Promise<string> {
  const app = await tempDir('app-');
  await writeFile(path.join(app, 'project.toml'), projectToml);
  const preload = `process.stderr.write(${JSON.stringify(`${MARKER}\n`)});
require('node:fs').writeFileSync(require('node:path').join(__dirname, 'preload-ran'), 'yes');\n`;
  await writeFile(path.join(app, 'preload.cjs'), preload);
  await writeFile(path.join(app, 'preload.mjs'), `process.stderr.write(${JSON.stringify(`${MARKER}\n`)});\n`);
  return app;
}

/** Layer names and files, which must not depend on the Node settings. */
async function imageSummary(image: readonly { name: string; dir: string }[]): Promise<string[]> {
  const summary: string[] = [];
  for (const layer of image) {
    const files = await readdir(layer.dir, { recursive: true });
    summary.push(...files.map((file) => `${layer.name}/${file}`));
  }
  return summary.sort();
}

const SETTINGS: Record<string, Record<string, string>> = {
  'a missing --require preload': { NODE_OPTIONS: '--require ./does-not-exist.js' },
  'preloads that would print': {
    NODE_OPTIONS: '--require ./preload.cjs --import ./preload.mjs --max-old-space-size=8',
  },
  'debug, coverage and TLS variables': {
    NODE_DEBUG: 'http,net,tls,undici,fetch',
    NODE_TLS_REJECT_UNAUTHORIZED: '0',
    NODE_PENDING_DEPRECATION: '1',
    UV_THREADPOOL_SIZE: '1',
    NODE_EXTRA_CA_CERTS: '/nonexistent/ca.pem',
  },
};

describe('Node.js settings in the build environment', () => {
  it.each(Object.keys(SETTINGS))('%s: detect and build behave as without them', async (name) => {
    const settings = SETTINGS[name] ?? {};
    const projectToml = setup.seeds.entries.youtubedr;
    const run = async (env: Record<string, string>) => {
      const app = await appWithPreloads(projectToml);
      const result = await runLifecycle({
        buildpackDir: setup.buildpackDir,
        appDir: app,
        stateDir: await tempDir('state-'),
        env: { BP_GITHUB_API_URL: setup.github.apiUrl, ...env },
      });
      return { result, app };
    };
    const plain = await run({});
    const withSettings = await run(settings);

    expect(withSettings.result.detect.code, withSettings.result.detect.output).toBe(plain.result.detect.code);
    expect(withSettings.result.detect.output).toBe(plain.result.detect.output);
    expect(withSettings.result.build?.code, withSettings.result.build?.output).toBe(0);
    const output = `${withSettings.result.detect.output}${withSettings.result.build?.output ?? ''}`;
    expect(output).not.toContain(MARKER);
    expect(output).not.toMatch(/^(HTTP|NET|TLS|UNDICI|FETCH) \d+:/m);
    expect(output).not.toContain('Cannot find module');
    expect(existsSync(path.join(withSettings.app, 'preload-ran'))).toBe(false);
    expect(await imageSummary(withSettings.result.image)).toEqual(await imageSummary(plain.result.image));
  });
});

/** The pid of a running bin/build whose arguments mention `marker` (its state dir), if there is one. */
async function findBuildProcess(marker: string): Promise<string | undefined> {
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if (argv[0]?.endsWith('/bin/build') === true && argv.some((arg) => arg.includes(marker))) return pid;
  }
  return undefined;
}

/** How many of the process's threads are libuv's pool (libuv names them libuv-worker). */
async function countPoolThreads(pid: string): Promise<number> {
  const tasks = await readdir(`/proc/${pid}/task`).catch(() => []);
  const names = await Promise.all(
    tasks.map((task) => readFile(`/proc/${pid}/task/${task}/comm`, 'utf8').catch(() => '')),
  );
  return names.filter((name) => name.trim() === 'libuv-worker').length;
}

describe('libuv thread pool', () => {
  it('has one thread per core (2 to 4), whatever UV_THREADPOOL_SIZE the app sets', async () => {
    // The download stalls for a while, so the build is caught with its pool running.
    setup.github.faults.add({
      match: '/',
      origin: 'storage',
      kind: { type: 'delay', ms: 1500, phase: 'body', afterBytes: 1 },
    });
    const stateDir = await tempDir('state-');
    const building = runLifecycle({
      buildpackDir: setup.buildpackDir,
      appDir: await appWithPreloads(setup.seeds.entries.youtubedr),
      stateDir,
      env: { BP_GITHUB_API_URL: setup.github.apiUrl, UV_THREADPOOL_SIZE: '1' },
    });
    let finished = false;
    const settle = (): void => {
      finished = true;
    };
    building.then(settle, settle);
    let threads = 0;
    while (!finished && threads === 0) {
      await sleep(20);
      const pid = await findBuildProcess(stateDir);
      if (pid !== undefined) threads = await countPoolThreads(pid);
    }
    const result = await building;
    expect(result.build?.code, result.build?.output).toBe(0);
    expect(threads).toBe(threadPoolSize(os.availableParallelism()));
  });
});
