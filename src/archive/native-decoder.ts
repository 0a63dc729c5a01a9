import { execFile, spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import type { Compression } from './asset-format.js';
import { flowingChunks } from './flowing-chunks.js';

/**
 * The reference decoders (xz-utils, zstd, bzip2) decode two to ten times faster than the JavaScript and
 * WebAssembly ones, run beside the buildpack on the other core, and have no one-stream-per-process limit.
 * Build images usually ship them; when one is missing the caller falls back to the bundled decoder.
 */
const PROGRAMS: Partial<Record<Compression, { readonly program: string; readonly args: readonly string[] }>> =
  {
    // -d decode, -c to stdout, -q no warnings on stderr; concatenated streams are decoded as one (as tar does).
    // -T2: xz 5.4 and later decode the blocks of a multi-block file (`xz -T0` output, the usual release
    // tarball) on two threads, 1.6 times as fast as one here; more threads would hold one more block each
    // in memory. Single-block files, and xz 5.2 (which accepts and ignores -T when decoding), use one thread.
    // XZ_THREAD_MEMORY_LIMIT bounds what the threads hold (xz 5.4 and later).
    xz: { program: 'xz', args: ['-d', '-c', '-q', '-T2'] },
    zst: { program: 'zstd', args: ['-d', '-c', '-q'] },
    bz2: { program: 'bzip2', args: ['-d', '-c', '-q'] },
  };

/**
 * The decoder's output is handed on in chunks of at least this size. The decoders write small pieces (bzip2
 * 4 KiB, xz 8 KiB, zstd 4 KiB before each 124 KiB), and each read of the pipe becoming a chunk of its own
 * meant more buffers, stream callbacks and tar parser calls per byte, and a larger heap: peak RSS at
 * 256 MiB of tar.bz2 105 MB, 89-90 MB with this. Joining up to 64 KiB instead copied more and cost xz 7 MB.
 */
const OUTPUT_CHUNK_BYTES = 16 * 1024;

/**
 * The decoder's output read ahead while the parser and the writer are busy, on top of the socket's own
 * buffer, so the decoder goes on decoding instead of waiting on a full socket: a tar.zst install took 0.53 s
 * against 0.57 s without it (16 builds each), for 0.2 MB more peak RSS; 1 MiB gained nothing more and cost
 * 3 MB.
 */
const OUTPUT_READ_AHEAD_BYTES = 256 * 1024;

/**
 * The memory xz may use to decode on two threads, past which it decodes on one (`--memlimit-mt`, a soft
 * limit: it never refuses a file). Each thread holds a whole block, in and out: the 24 MiB blocks of
 * `xz -T0 -6` (a usual release tarball) made a two-thread xz of 103 MB beside the buildpack, and the
 * 192 MiB blocks of `xz -T0 -9` would make it several hundred. Within this limit xz decodes those on one
 * thread in 10 MB (1.8 times as long), and files of small blocks (3 MiB) still on two threads in 21 MB.
 * Larger limits let xz keep its threaded mode on one thread, holding a block for nothing: 26 MB at 32 MiB,
 * 66 MB at 64 MiB, for the same time.
 */
const XZ_THREAD_MEMORY_LIMIT = '--memlimit-mt=16MiB';

/** The xz that first accepts --memlimit-mt as a released version (5.2 refuses it as an unknown option). */
const XZ_MEMLIMIT_MT_SINCE = [5, 4] as const;

/** The decoder's last words, kept for the error message; more would be noise (and memory). */
const STDERR_LIMIT = 2048;

/** Where each program was found on PATH, looked up once per process and PATH value. */
const found = new Map<string, Promise<string | undefined>>();

/** The arguments of each decoder program, by its path: xz's depend on its version, asked once. */
const argumentsOf = new Map<string, Promise<readonly string[]>>();

/** The absolute path of the native decoder for `compression`, or undefined when there is none on PATH. */
export function findNativeDecoder(compression: Compression): Promise<string | undefined> {
  const spec = PROGRAMS[compression];
  if (spec === undefined) return Promise.resolve(undefined);
  const searchPath = process.env['PATH'] ?? '';
  const key = `${spec.program}\0${searchPath}`;
  let lookup = found.get(key);
  if (lookup === undefined) {
    lookup = findOnPath(spec.program, searchPath);
    found.set(key, lookup);
  }
  return lookup;
}

async function findOnPath(program: string, searchPath: string): Promise<string | undefined> {
  for (const dir of searchPath.split(path.delimiter)) {
    // A relative PATH entry would depend on the working directory: only absolute ones are trusted.
    if (!path.isAbsolute(dir)) continue;
    const candidate = path.join(dir, program);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next directory
    }
  }
  return undefined;
}

/** The arguments `program` (the decoder for `compression`) is run with. */
function decoderArguments(compression: Compression, program: string): Promise<readonly string[]> {
  const spec = PROGRAMS[compression];
  if (spec === undefined) return Promise.reject(new Error(`no native decoder for ${compression}`));
  if (compression !== 'xz') return Promise.resolve(spec.args);
  let args = argumentsOf.get(program);
  if (args === undefined) {
    args = xzVersion(program).then((version) =>
      version !== undefined && atLeast(version, XZ_MEMLIMIT_MT_SINCE)
        ? [...spec.args, XZ_THREAD_MEMORY_LIMIT]
        : spec.args,
    );
    argumentsOf.set(program, args);
  }
  return args;
}

/** xz's version, from `xz --version` ("xz (XZ Utils) 5.4.1"); undefined when it does not say one. */
function xzVersion(program: string): Promise<readonly number[] | undefined> {
  return new Promise((resolve) => {
    execFile(program, ['--version'], { timeout: 10_000, maxBuffer: 4096 }, (error, stdout) => {
      const match = error === null ? /XZ Utils\)\s+(\d+)\.(\d+)/.exec(stdout) : null;
      resolve(match === null ? undefined : [Number(match[1]), Number(match[2])]);
    });
  });
}

function atLeast(version: readonly number[], since: readonly number[]): boolean {
  for (const [index, part] of since.entries()) {
    const have = version[index] ?? 0;
    if (have !== part) return have > part;
  }
  return true;
}

/** The native decoder's failure: its exit status and what it said, for the caller's format error. */
export class NativeDecoderError extends Error {
  constructor(program: string, status: string, stderr: string) {
    const said = stderr.trim().replace(/\s+/g, ' ');
    super(`${path.basename(program)} ${status}${said === '' ? '' : `: ${said}`}`);
    this.name = 'NativeDecoderError';
  }
}

/**
 * Decodes `source` through `program` (from findNativeDecoder) as a child process: no shell, fixed
 * arguments, the compressed bytes written to its stdin with backpressure, its stdout yielded as it comes,
 * stderr kept for the error. Every byte of `source` is read (the caller's hash must see them all). When the
 * consumer stops early or anything fails, the child is killed and the source released.
 */
export async function* nativeDecompress(
  source: AsyncIterable<Buffer>,
  compression: Compression,
  program: string,
): AsyncGenerator<Buffer> {
  const child = spawn(program, await decoderArguments(compression, program), {
    stdio: ['pipe', 'pipe', 'pipe'],
    shell: false,
  });
  const exited = once(child, 'close').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  const spawned = once(child, 'spawn');
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    if (stderr.length < STDERR_LIMIT) stderr = (stderr + text).slice(0, STDERR_LIMIT);
  });
  // A write after the child exited fails with EPIPE; the exit status explains it better, so it is kept.
  let feedError: unknown;
  child.stdin.on('error', (error) => (feedError ??= error));
  // The body's own failure (a reset socket) is rethrown unchanged, so the caller can classify it.
  let sourceFailure: { error: unknown } | undefined;
  const feeding = (async () => {
    await spawned;
    for await (const chunk of source) {
      if (child.stdin.destroyed) break;
      if (!child.stdin.write(chunk)) {
        await drainedOrClosed(child.stdin);
      }
    }
    child.stdin.end();
  })().catch((error: unknown) => {
    sourceFailure ??= { error };
    // The decoder would wait for the rest of its input forever.
    child.kill('SIGKILL');
  });

  let finished = false;
  try {
    await spawned;
    yield* flowingChunks(child.stdout, {
      readAheadBytes: OUTPUT_READ_AHEAD_BYTES,
      joinBelowBytes: OUTPUT_CHUNK_BYTES,
    });
    const [{ code, signal }] = await Promise.all([exited, feeding]);
    if (sourceFailure !== undefined) throw sourceFailure.error;
    if (code !== 0) {
      const status = signal === null ? `exited with status ${String(code)}` : `was killed by ${signal}`;
      throw new NativeDecoderError(program, status, stderr);
    }
    // It ended well before reading all of its input: bytes follow the compressed data.
    if (feedError !== undefined)
      throw new NativeDecoderError(program, 'stopped before the end of its input', stderr);
    finished = true;
  } finally {
    if (!finished) {
      child.kill('SIGKILL');
      child.stdin.destroy();
      child.stdout.destroy();
      await exited.catch(() => undefined);
      // The feeder is not awaited: it may wait on the body, which the caller releases once this returns.
    }
  }
}

/** Resolves when `stream` can take more or has closed (an EPIPE closes it; its error is recorded apart). */
function drainedOrClosed(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}
