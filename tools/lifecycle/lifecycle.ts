/**
 * Runs a buildpack's bin/detect and bin/build on an app directory the way the CNB lifecycle (v0.21) does,
 * without Docker: the CNB_* variables and positional arguments, a filtered environment, user variables as
 * `<platform>/env` files, layer restoration between builds from a cache and a "previous image", and the
 * exporter's checks (types under [types], declared SBOM formats, launch layers with contents). State is
 * kept in a directory, so a second run is a rebuild.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import TOML from '@iarna/toml';

export interface LifecycleOptions {
  readonly buildpackDir: string;
  readonly appDir: string;
  /** Keeps the cache and the "previous image" between runs. */
  readonly stateDir: string;
  /** User variables, as `pack build --env` gives them. */
  readonly env?: Readonly<Record<string, string>>;
  /** clear-env = true: user variables only as files, not in the process environment. */
  readonly clearEnv?: boolean;
  /** CNB_TARGET_OS / CNB_TARGET_ARCH, and CNB_TARGET_DISTRO_NAME when a distro is given (`alpine`). */
  readonly target?: { readonly os: string; readonly arch: string; readonly distro?: string };
  /** The lifecycle's own environment, which it filters before running the buildpack; default process.env. */
  readonly hostEnv?: NodeJS.ProcessEnv;
  /** Runs the executables where no `node` can be found, to prove they need none. */
  readonly hideNode?: boolean;
  /** Service bindings: name → { type, key: value }. */
  readonly bindings?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface PhaseRun {
  readonly code: number;
  readonly output: string;
  readonly ms: number;
}

export interface ImageLayer {
  readonly name: string;
  /** Where the layer sits in the image: /layers/<buildpack id with / as _>/<name>. */
  readonly imagePath: string;
  readonly types: { launch: boolean; build: boolean; cache: boolean };
  readonly metadata: TOML.JsonMap;
  /** Where its files are on this machine. */
  readonly dir: string;
  readonly reused: boolean;
}

export interface LifecycleResult {
  readonly detect: PhaseRun;
  readonly build: PhaseRun | undefined;
  /** The layers the image has after export (launch layers). */
  readonly image: readonly ImageLayer[];
  /** The buildpack's layers dir as build left it, for inspection. */
  readonly layersDir: string;
  readonly platformDir: string;
}

interface StoredLayer {
  readonly types: { launch: boolean; build: boolean; cache: boolean };
  readonly metadata: TOML.JsonMap;
}

const PASSED_THROUGH = [
  'PATH',
  'HOME',
  'HOSTNAME',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'LD_LIBRARY_PATH',
  'LIBRARY_PATH',
  'CPATH',
  'PKG_CONFIG_PATH',
  'CNB_STACK_ID',
];

export async function runLifecycle(options: LifecycleOptions): Promise<LifecycleResult> {
  const state = path.resolve(options.stateDir);
  const buildpackDir = path.resolve(options.buildpackDir);
  const buildpack = await readBuildpack(buildpackDir);
  const escapedId = buildpack.id.replace(/\//g, '_');
  const platformDir = path.join(state, 'platform');
  const layersRoot = path.join(state, 'layers');
  const layersDir = path.join(layersRoot, escapedId);
  const cacheDir = path.join(state, 'cache', escapedId);
  const imageDir = path.join(state, 'image', escapedId);
  const planPath = path.join(state, 'plan.toml');

  // Each run starts as the lifecycle does: fresh platform and layers dirs, and an empty plan file.
  await rm(platformDir, { recursive: true, force: true });
  await rm(layersRoot, { recursive: true, force: true });
  await mkdir(path.join(platformDir, 'env'), { recursive: true });
  await mkdir(layersDir, { recursive: true });
  for (const [name, value] of Object.entries(options.env ?? {})) {
    await writeFile(path.join(platformDir, 'env', name), value);
  }
  for (const [name, binding] of Object.entries(options.bindings ?? {})) {
    await mkdir(path.join(platformDir, 'bindings', name), { recursive: true });
    for (const [key, value] of Object.entries(binding)) {
      await writeFile(path.join(platformDir, 'bindings', name, key), value);
    }
  }
  await writeFile(planPath, '');

  const target = options.target ?? { os: 'linux', arch: 'amd64' };
  const baseEnv: NodeJS.ProcessEnv = {};
  const hostEnv = options.hostEnv ?? process.env;
  for (const name of PASSED_THROUGH) if (hostEnv[name] !== undefined) baseEnv[name] = hostEnv[name];
  if (!options.clearEnv) Object.assign(baseEnv, options.env);
  Object.assign(baseEnv, {
    CNB_BUILDPACK_DIR: buildpackDir,
    CNB_PLATFORM_DIR: platformDir,
    CNB_TARGET_OS: target.os,
    CNB_TARGET_ARCH: target.arch,
    ...(target.distro === undefined ? {} : { CNB_TARGET_DISTRO_NAME: target.distro }),
  });

  const detect = await runPhase(
    path.join(buildpackDir, 'bin', 'detect'),
    [platformDir, planPath],
    { ...baseEnv, CNB_BUILD_PLAN_PATH: planPath },
    options,
  );
  if (detect.code !== 0) return { detect, build: undefined, image: [], layersDir, platformDir };

  // The buildpack plan build gets: the entries the group required from this buildpack's provides.
  const plan = TOML.parse(await readFile(planPath, 'utf8'));
  const requires = Array.isArray(plan['requires']) ? plan['requires'] : [];
  const bpPlanPath = path.join(state, 'bp-plan.toml');
  await writeFile(bpPlanPath, TOML.stringify({ entries: requires } as TOML.JsonMap));

  await restoreLayers(layersDir, cacheDir, imageDir);
  const build = await runPhase(
    path.join(buildpackDir, 'bin', 'build'),
    [layersDir, platformDir, bpPlanPath],
    { ...baseEnv, CNB_LAYERS_DIR: layersDir, CNB_BP_PLAN_PATH: bpPlanPath },
    options,
  );
  if (build.code !== 0) return { detect, build, image: [], layersDir, platformDir };
  const image = await exportLayers(layersDir, cacheDir, imageDir, escapedId, buildpack.sbomFormats);
  return { detect, build, image, layersDir, platformDir };
}

async function readBuildpack(dir: string): Promise<{ id: string; sbomFormats: string[] }> {
  const parsed = TOML.parse(await readFile(path.join(dir, 'buildpack.toml'), 'utf8'));
  const buildpack = parsed['buildpack'] as Record<string, unknown>;
  const formats = buildpack['sbom-formats'];
  return { id: String(buildpack['id']), sbomFormats: Array.isArray(formats) ? formats.map(String) : [] };
}

function runPhase(
  executable: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  options: LifecycleOptions,
): Promise<PhaseRun> {
  const started = Date.now();
  const [command, commandArgs] = options.hideNode ? withoutNode(executable, args) : [executable, args];
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, {
      cwd: options.appDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output, ms: Date.now() - started }));
  });
}

/** Every node binary on this machine, hidden under /dev/null in a private mount namespace. */
function withoutNode(executable: string, args: string[]): [string, string[]] {
  const nodes = new Set<string>(['/usr/bin/node', '/usr/local/bin/node', process.execPath]);
  for (const dir of (process.env['PATH'] ?? '').split(':')) {
    const candidate = path.join(dir, 'node');
    if (existsSync(candidate)) nodes.add(candidate);
  }
  const mounts = [...nodes]
    .filter((node) => existsSync(node))
    .map((node) => `mount --bind /dev/null '${node}'`);
  return ['unshare', ['-m', 'sh', '-c', `${mounts.join(' && ')} && exec "$0" "$@"`, executable, ...args]];
}

/** The restore table of the CNB spec: cached layers come back with files, launch-only ones as metadata. */
async function restoreLayers(layersDir: string, cacheDir: string, imageDir: string): Promise<void> {
  const cached = await readStoredLayers(cacheDir);
  for (const [name, stored] of cached) {
    await writeFile(path.join(layersDir, `${name}.toml`), TOML.stringify({ metadata: stored.metadata }));
    await cp(path.join(cacheDir, name), path.join(layersDir, name), {
      recursive: true,
      verbatimSymlinks: true,
    });
  }
  for (const [name, stored] of await readStoredLayers(imageDir)) {
    if (cached.has(name) || stored.types.build || stored.types.cache) continue;
    await writeFile(path.join(layersDir, `${name}.toml`), TOML.stringify({ metadata: stored.metadata }));
  }
}

async function readStoredLayers(dir: string): Promise<Map<string, StoredLayer>> {
  const layers = new Map<string, StoredLayer>();
  for (const file of await readdir(dir).catch(() => [])) {
    if (!file.endsWith('.layer.json')) continue;
    layers.set(
      file.slice(0, -'.layer.json'.length),
      JSON.parse(await readFile(path.join(dir, file), 'utf8')),
    );
  }
  return layers;
}

const SBOM_MEDIA_TYPES: Record<string, string> = {
  'cdx.json': 'application/vnd.cyclonedx+json',
  'spdx.json': 'application/spdx+json',
  'syft.json': 'application/vnd.syft+json',
};

/** What the exporter does with the buildpack's layers: checks them, then updates the image and the cache. */
async function exportLayers(
  layersDir: string,
  cacheDir: string,
  imageDir: string,
  escapedId: string,
  sbomFormats: readonly string[],
): Promise<ImageLayer[]> {
  const previousImage = await readStoredLayers(imageDir);
  const nextImage = `${imageDir}.next`;
  const nextCache = `${cacheDir}.next`;
  await rm(nextImage, { recursive: true, force: true });
  await rm(nextCache, { recursive: true, force: true });
  await mkdir(nextImage, { recursive: true });
  await mkdir(nextCache, { recursive: true });
  const image: ImageLayer[] = [];

  for (const file of (await readdir(layersDir)).sort()) {
    const sbom = file.match(/^([^.]+)\.sbom\.(.+)$/);
    if (sbom?.[2] !== undefined) {
      const mediaType = SBOM_MEDIA_TYPES[sbom[2]];
      if (mediaType === undefined || !sbomFormats.includes(mediaType)) {
        throw new Error(
          `undeclared SBOM media type: ${file} (buildpack.toml sbom-formats: ${sbomFormats.join(', ')})`,
        );
      }
      await cp(path.join(layersDir, file), path.join(nextImage, file));
      continue;
    }
    if (!file.endsWith('.toml')) continue;
    const name = file.slice(0, -'.toml'.length);
    if (['build', 'launch', 'store'].includes(name)) throw new Error(`layer name ${name} is reserved`);
    const parsed = TOML.parse(await readFile(path.join(layersDir, file), 'utf8'));
    for (const flag of ['launch', 'build', 'cache']) {
      if (flag in parsed) throw new Error(`${file}: '${flag}' must be under [types] (buildpack API >= 0.6)`);
    }
    const rawTypes = (parsed['types'] ?? {}) as Record<string, unknown>;
    const types = {
      launch: rawTypes['launch'] === true,
      build: rawTypes['build'] === true,
      cache: rawTypes['cache'] === true,
    };
    const metadata = (parsed['metadata'] ?? {}) as TOML.JsonMap;
    const dir = path.join(layersDir, name);
    const hasDir = await stat(dir).then(
      (info) => info.isDirectory(),
      () => false,
    );
    const stored: StoredLayer = { types, metadata };

    if (types.launch) {
      let reused = false;
      if (hasDir) {
        await cp(dir, path.join(nextImage, name), { recursive: true, verbatimSymlinks: true });
      } else if (previousImage.has(name)) {
        // launch = true and no directory: the lifecycle keeps the previous image's layer.
        await cp(path.join(imageDir, name), path.join(nextImage, name), {
          recursive: true,
          verbatimSymlinks: true,
        });
        reused = true;
      } else {
        throw new Error(`layer ${name} is launch = true but has no directory and no previous image layer`);
      }
      await writeFile(path.join(nextImage, `${name}.layer.json`), JSON.stringify(stored));
      image.push({
        name,
        imagePath: `/layers/${escapedId}/${name}`,
        types,
        metadata,
        dir: path.join(imageDir, name),
        reused,
      });
    }
    if (types.cache && hasDir) {
      await cp(dir, path.join(nextCache, name), { recursive: true, verbatimSymlinks: true });
      await writeFile(path.join(nextCache, `${name}.layer.json`), JSON.stringify(stored));
    }
  }
  await rm(imageDir, { recursive: true, force: true });
  await rm(cacheDir, { recursive: true, force: true });
  await cp(nextImage, imageDir, { recursive: true, verbatimSymlinks: true });
  await cp(nextCache, cacheDir, { recursive: true, verbatimSymlinks: true });
  await rm(nextImage, { recursive: true, force: true });
  await rm(nextCache, { recursive: true, force: true });
  return image;
}
