/**
 * The benchmark's release assets, made once with real tools (tar -czf) into a cache directory and reused by
 * later runs: three ~50 MB tar.gz (random and repetitive-text files), one raw binary of a few MB, and the
 * large assets for the peak-RSS measurement (raw and tar.gz, one per size).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';

const MiB = 1024 * 1024;
/** Bump when the recipe changes, so cached assets made by an older recipe are rebuilt. */
const RECIPE = 1;

/** The formats of the real-executables payload, each installed by the buildpack and by its native tool. */
export const PAYLOAD_FORMATS = ['tar.gz', 'tar.xz', 'tar.bz2', 'tar.zst', 'zip'] as const;
export type PayloadFormat = (typeof PAYLOAD_FORMATS)[number];
/** The compressed-tar formats of the peak-RSS assets (raw besides). */
export const RSS_FORMATS = ['tar.gz', 'tar.xz', 'tar.bz2', 'tar.zst'] as const;
/** How many small archives the scale measurement builds at most. */
export const SCALE_ASSETS = 32;

export interface BenchAsset {
  readonly name: string;
  readonly file: string;
  readonly format: PayloadFormat | 'raw';
  /** Bytes on the wire. */
  readonly size: number;
  /** Bytes once installed (the sum of the archive's files, or the raw file's size). */
  readonly unpackedBytes: number;
}

export interface RssAssets {
  readonly sizeMiB: number;
  /** The raw file, then a tar of it in each of RSS_FORMATS. */
  readonly assets: readonly BenchAsset[];
}

export interface BenchAssets {
  /** Three tar.gz of about 50 MB each. */
  readonly archives: readonly BenchAsset[];
  /** A raw binary of a few MB. */
  readonly tool: BenchAsset;
  /** Large assets for the peak-RSS measurement, smallest first. */
  readonly rss: readonly RssAssets[];
  /** Real executables (the Node and esbuild binaries of node_modules), one asset per PAYLOAD_FORMATS. */
  readonly payload: readonly BenchAsset[];
  /** SCALE_ASSETS small tar.gz (a few MB each), for how time grows with the number of assets. */
  readonly small: readonly BenchAsset[];
}

/** What an archive holds: files of random bytes (incompressible) and of log-like text (about 6:1 in gzip). */
const ARCHIVE_LAYOUT = { randomFiles: 4, randomMiB: 10, textFiles: 3, textMiB: 15 };
const ARCHIVE_NAMES = ['alpha', 'beta', 'gamma'];
const TOOL_MiB = 6;

/**
 * Returns the benchmark's assets under `cacheDir`, making the missing ones. Each is written to a temporary
 * name and renamed when complete, with a marker recording its recipe, so an interrupted run leaves nothing
 * that a later run would mistake for a finished asset.
 */
export async function prepareBenchAssets(
  cacheDir: string,
  rssSizesMiB: readonly number[],
  log: (line: string) => void,
  executables: readonly string[] = [],
): Promise<BenchAssets> {
  const assetsDir = path.join(cacheDir, 'assets');
  const scratch = path.join(cacheDir, 'scratch');
  await mkdir(assetsDir, { recursive: true });

  const archives: BenchAsset[] = [];
  for (const [index, label] of ARCHIVE_NAMES.entries()) {
    const name = `${label}-1.0.0-linux-amd64.tar.gz`;
    archives.push(
      await cached(assetsDir, name, 'tar.gz', { ...ARCHIVE_LAYOUT, index }, log, async (partial) => {
        const src = path.join(scratch, label);
        await rm(src, { recursive: true, force: true });
        await mkdir(path.join(src, 'lib'), { recursive: true });
        await mkdir(path.join(src, 'share', 'doc'), { recursive: true });
        for (let i = 0; i < ARCHIVE_LAYOUT.randomFiles; i++) {
          await writeRandomFile(path.join(src, 'lib', `blob-${i}.bin`), ARCHIVE_LAYOUT.randomMiB * MiB);
        }
        for (let i = 0; i < ARCHIVE_LAYOUT.textFiles; i++) {
          await writeTextFile(path.join(src, 'share', 'doc', `log-${i}.txt`), ARCHIVE_LAYOUT.textMiB * MiB);
        }
        execFileSync('tar', ['-czf', partial, '-C', src, 'lib', 'share'], { stdio: 'inherit' });
        await rm(src, { recursive: true, force: true });
        return (
          (ARCHIVE_LAYOUT.randomFiles * ARCHIVE_LAYOUT.randomMiB +
            ARCHIVE_LAYOUT.textFiles * ARCHIVE_LAYOUT.textMiB) *
          MiB
        );
      }),
    );
  }

  const tool = await cached(
    assetsDir,
    'benchtool-linux-amd64',
    'raw',
    { mib: TOOL_MiB },
    log,
    async (partial) => {
      await writeRandomFile(partial, TOOL_MiB * MiB);
      return TOOL_MiB * MiB;
    },
  );

  const rss: RssAssets[] = [];
  for (const sizeMiB of [...rssSizesMiB].sort((a, b) => a - b)) {
    const rawName = `payload-${sizeMiB}m-linux-amd64`;
    const raw = await cached(assetsDir, rawName, 'raw', { sizeMiB, mixed: true }, log, async (partial) => {
      await writeMixedFile(partial, sizeMiB * MiB);
      return sizeMiB * MiB;
    });
    const assets: BenchAsset[] = [raw];
    for (const format of RSS_FORMATS) {
      const name = `${rawName}.${format}`;
      // Fast levels: the measurement is about the decoder's memory, and a 1 GiB xz -6 takes many minutes.
      assets.push(
        await cached(assetsDir, name, format, { sizeMiB }, log, async (partial) => {
          const tarFile = `${partial}.tar`;
          execFileSync('tar', ['-cf', tarFile, '-C', assetsDir, rawName], { stdio: 'inherit' });
          compressTar(format, tarFile, partial, 'fast');
          await rm(tarFile, { force: true });
          return sizeMiB * MiB;
        }),
      );
    }
    rss.push({ sizeMiB, assets });
  }

  const payload: BenchAsset[] = [];
  if (executables.length > 0) {
    const src = path.join(scratch, 'payload');
    let unpacked = 0;
    const stage = async (): Promise<void> => {
      await rm(src, { recursive: true, force: true });
      await mkdir(path.join(src, 'bin'), { recursive: true });
      for (const file of executables) await copyFile(file, path.join(src, 'bin', path.basename(file)));
    };
    for (const file of executables) unpacked += (await stat(file)).size;
    let staged = false;
    for (const format of PAYLOAD_FORMATS) {
      const name = `payload-1.0.0-linux-amd64.${format}`;
      const spec = { executables: executables.map((file) => path.basename(file)), unpacked };
      payload.push(
        await cached(assetsDir, name, format, spec, log, async (partial) => {
          if (!staged) await stage();
          staged = true;
          if (format === 'zip') {
            execFileSync('zip', ['-q', '-r', '-X', path.resolve(partial), 'bin'], {
              cwd: src,
              stdio: 'inherit',
            });
          } else {
            const tarFile = `${partial}.tar`;
            execFileSync('tar', ['-cf', tarFile, '-C', src, 'bin'], { stdio: 'inherit' });
            compressTar(format, tarFile, partial, 'default');
            await rm(tarFile, { force: true });
          }
          return unpacked;
        }),
      );
    }
  }

  const small: BenchAsset[] = [];
  for (let index = 0; index < SCALE_ASSETS; index++) {
    const label = `tool${String(index).padStart(2, '0')}`;
    small.push(
      await cached(
        assetsDir,
        `${label}-1.0.0-linux-amd64.tar.gz`,
        'tar.gz',
        { small: 2 },
        log,
        async (partial) => {
          const src = path.join(scratch, label);
          await rm(src, { recursive: true, force: true });
          await mkdir(path.join(src, 'bin'), { recursive: true });
          await writeRandomFile(path.join(src, 'bin', label), 2 * MiB);
          await writeTextFile(path.join(src, 'README.txt'), 2 * MiB);
          execFileSync('tar', ['-czf', partial, '-C', src, 'bin', 'README.txt'], { stdio: 'inherit' });
          await rm(src, { recursive: true, force: true });
          return 4 * MiB;
        },
      ),
    );
  }
  await rm(scratch, { recursive: true, force: true });
  return { archives, tool, rss, payload, small };
}

/** Compresses a tar file with the real tool, as release pipelines do (defaults, or fast levels). */
function compressTar(
  format: PayloadFormat,
  tarFile: string,
  output: string,
  level: 'default' | 'fast',
): void {
  const fast = level === 'fast';
  const commands: Record<Exclude<PayloadFormat, 'zip'>, string[]> = {
    'tar.gz': ['gzip', '-c', ...(fast ? ['-1'] : [])],
    'tar.xz': ['xz', '-c', '-T0', fast ? '-1' : '-6'],
    'tar.bz2': ['bzip2', '-c', fast ? '-1' : '-9'],
    'tar.zst': ['zstd', '-q', '-c', '-T0', fast ? '-1' : '-3'],
  };
  if (format === 'zip') throw new Error('a zip is made from the directory');
  const [command, ...args] = commands[format];
  execFileSync('sh', ['-c', '"$0" "$@" > "$OUT"', command ?? 'false', ...args, tarFile], {
    stdio: 'inherit',
    env: { ...process.env, OUT: output },
  });
}

async function cached(
  assetsDir: string,
  name: string,
  format: BenchAsset['format'],
  spec: Record<string, unknown>,
  log: (line: string) => void,
  make: (partial: string) => Promise<number>,
): Promise<BenchAsset> {
  const file = path.join(assetsDir, name);
  const marker = `${file}.recipe.json`;
  const recipe = JSON.stringify({ recipe: RECIPE, format, ...spec });
  const stored = existsSync(marker) && existsSync(file) ? await readMarker(marker) : undefined;
  if (stored?.recipe === recipe) {
    return { name, file, format, size: (await stat(file)).size, unpackedBytes: stored.unpackedBytes };
  }
  log(`  making ${name} ...`);
  const started = performance.now();
  const partial = `${file}.partial`;
  await rm(partial, { force: true });
  const unpackedBytes = await make(partial);
  await rename(partial, file);
  await writeFile(marker, JSON.stringify({ recipe, unpackedBytes }));
  const size = (await stat(file)).size;
  log(
    `  made ${name} (${(size / 1e6).toFixed(1)} MB) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return { name, file, format, size, unpackedBytes };
}

async function readMarker(marker: string): Promise<{ recipe: string; unpackedBytes: number } | undefined> {
  try {
    const parsed = JSON.parse(await readFile(marker, 'utf8')) as {
      recipe?: unknown;
      unpackedBytes?: unknown;
    };
    return typeof parsed.recipe === 'string' && typeof parsed.unpackedBytes === 'number'
      ? { recipe: parsed.recipe, unpackedBytes: parsed.unpackedBytes }
      : undefined;
  } catch {
    return undefined;
  }
}

function writeRandomFile(file: string, bytes: number): Promise<void> {
  return writeChunks(file, bytes, () => randomBytes(MiB));
}

function writeTextFile(file: string, bytes: number): Promise<void> {
  let line = 0;
  return writeChunks(file, bytes, () => logText(MiB, () => line++));
}

/** Alternating MiB blocks of random bytes and text: about half compressible, like a real binary. */
function writeMixedFile(file: string, bytes: number): Promise<void> {
  let block = 0;
  let line = 0;
  return writeChunks(file, bytes, () => (block++ % 2 === 0 ? randomBytes(MiB) : logText(MiB, () => line++)));
}

/** Log lines with counters and a random id, so gzip finds repetition but not a trivial one. */
function logText(bytes: number, nextLine: () => number): Buffer {
  const lines: string[] = [];
  let length = 0;
  while (length < bytes) {
    const n = nextLine();
    const text = `${n} 2025-06-03T12:${String((n >> 6) % 60).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}Z INFO request id=${randomBytes(4).toString('hex')} path=/api/v1/items/${n % 1000} status=200 bytes=${(n * 7919) % 100000}\n`;
    lines.push(text);
    length += text.length;
  }
  return Buffer.from(lines.join('')).subarray(0, bytes);
}

/** Writes `bytes` bytes made by `chunk` (each at most `bytes`), honouring backpressure. */
async function writeChunks(file: string, bytes: number, chunk: () => Buffer): Promise<void> {
  const out = createWriteStream(file);
  let written = 0;
  while (written < bytes) {
    const next = chunk().subarray(0, bytes - written);
    written += next.length;
    if (!out.write(next)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}
