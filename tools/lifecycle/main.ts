/** `npm run lifecycle`: the local CNB lifecycle on an app; USAGE below says what it does and takes. */
import { readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseCommandLine } from '../../scripts/_cli.mjs';
import { startFakeGitHub, type FakeGitHub } from '../fake-github/index.js';
import { buildSeedReleases } from '../seed-releases/seed-releases.js';
import { runLifecycle } from './lifecycle.js';

const DEMO_API_PORT = 41235;

const USAGE = `usage: npm run lifecycle -- [options] APP_DIR
Runs this buildpack's detect and build on APP_DIR the way the CNB lifecycle would, then prints what landed
where in the image. Run it twice for a rebuild.
  --env NAME=VALUE    a user variable, as pack build --env gives it (repeatable; --env NAME takes it from here)
  --target OS/ARCH    the target platform (default linux/amd64)
  --state DIR         where the cache and previous image are kept (default .lifecycle/<app name>)
  --fresh             forget the cache and the previous image first
  --demo              serve the seed releases from a GitHub look-alike on loopback and build against it
  --buildpack DIR     the built buildpack (default .)
  -h, --help          this text`;

async function main(): Promise<number> {
  const { values, positionals } = parseCommandLine(
    {
      allowPositionals: true,
      options: {
        env: { type: 'string', multiple: true, default: [] },
        target: { type: 'string', default: 'linux/amd64' },
        state: { type: 'string' },
        fresh: { type: 'boolean', default: false },
        demo: { type: 'boolean', default: false },
        buildpack: { type: 'string', default: '.' },
      },
    },
    USAGE,
  );
  const appDir = positionals[0];
  if (appDir === undefined) {
    console.error(USAGE);
    return 2;
  }
  const stateDir = values.state ?? path.join('.lifecycle', path.basename(path.resolve(appDir)));
  if (values.fresh) await rm(stateDir, { recursive: true, force: true });
  const env: Record<string, string> = {};
  for (const pair of values.env) {
    const at = pair.indexOf('=');
    // `--env NAME` alone takes the value from this shell, as pack does.
    const name = at < 0 ? pair : pair.slice(0, at);
    const value = at < 0 ? process.env[pair] : pair.slice(at + 1);
    if (value !== undefined) env[name] = value;
  }
  const [os_, arch] = values.target.split('/');
  let github: FakeGitHub | undefined;
  if (values.demo) {
    const seeds = await buildSeedReleases(path.join(os.tmpdir(), 'github-release-assets-demo'));
    // A fixed port keeps the API URL, and so the layers' request digests, the same from run to run.
    github = await startFakeGitHub({
      repos: seeds.repos,
      tokens: [seeds.privateToken],
      apiPort: DEMO_API_PORT,
    });
    env['BP_GITHUB_API_URL'] = github.apiUrl;
    env['APITEST_TOKEN'] ??= seeds.privateToken;
    console.log(`GitHub look-alike serving the seed releases at ${github.apiUrl}\n`);
  }
  try {
    const result = await runLifecycle({
      buildpackDir: values.buildpack,
      appDir,
      stateDir,
      env,
      target: { os: os_ ?? 'linux', arch: arch ?? 'amd64' },
    });
    console.log(`===> DETECTING (${result.detect.ms} ms, exit ${result.detect.code})`);
    process.stdout.write(result.detect.output);
    if (result.build === undefined) {
      console.log(
        result.detect.code === 100 ? 'ERROR: No buildpack groups passed detection.' : 'ERROR: detect failed',
      );
      return result.detect.code === 100 ? 20 : 1;
    }
    console.log(`===> BUILDING (${result.build.ms} ms, exit ${result.build.code})`);
    process.stdout.write(result.build.output);
    if (result.build.code !== 0) return 51;
    console.log('===> EXPORTING');
    for (const layer of result.image) {
      console.log(`${layer.reused ? 'Reusing' : 'Adding'} layer ${layer.imagePath}`);
      for (const file of await listFiles(layer.dir)) {
        console.log(`  ${file.mode} ${String(file.size).padStart(10)}  ${layer.imagePath}/${file.path}`);
      }
    }
    if (github !== undefined)
      console.log(`\n${github.requests.length} request(s) reached the GitHub look-alike.`);
    console.log(`State kept in ${stateDir}; run again for a rebuild.`);
    return 0;
  } finally {
    await github?.close();
  }
}

async function listFiles(dir: string, prefix = ''): Promise<{ path: string; mode: string; size: number }[]> {
  const files: { path: string; mode: string; size: number }[] = [];
  for (const name of (await readdir(dir).catch(() => [])).sort()) {
    const full = path.join(dir, name);
    const info = await stat(full);
    if (info.isDirectory()) files.push(...(await listFiles(full, `${prefix}${name}/`)));
    else files.push({ path: `${prefix}${name}`, mode: (info.mode & 0o777).toString(8), size: info.size });
  }
  return files;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
