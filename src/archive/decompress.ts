import { Readable, pipeline, type Transform } from 'node:stream';
import zlib from 'node:zlib';
import type { Compression } from './asset-format.js';
import { chunkIterator } from './chunk-iterator.js';
import { findNativeDecoder, nativeDecompress } from './native-decoder.js';
import { decodeZstdFrames } from './zstd-frames.js';

/**
 * Output chunk of Node's zlib decoders (gzip, zip's deflate, the bundled zstd). Every chunk is a round trip
 * to the libuv thread pool (a thread woken, a callback, a push through the stream) on top of the parser's
 * and writer's work on it: 256 KiB chunks made a 138 MB tar.gz install 12-18 % faster than 64 KiB and four
 * tar.gz assets at once 10-20 %, for 0.6 MB more peak RSS at 1 GiB; 1 MiB gained nothing more.
 */
export const ZLIB_OUTPUT_CHUNK_BYTES = 256 * 1024;

/** Which decoders to use: the build image's own programs when present (the default), or only the bundled ones. */
export interface DecoderChoice {
  readonly native: boolean;
}

/**
 * Decompresses `source` as it is read, holding only a bounded amount of data at a time.
 *
 * gzip stays in Node's zlib (as fast as `gzip -d`, no process to start). xz, bzip2 and zstd go through the
 * image's `xz`, `bzip2` or `zstd` when it has them: they decode several times faster than the bundled
 * decoders and on another core, and several xz assets no longer wait for one WebAssembly decoder.
 */
export function decompress(
  source: AsyncIterable<Buffer>,
  compression: Compression,
  choice: DecoderChoice = { native: true },
): AsyncIterable<Buffer> {
  if (compression === 'gz' || !choice.native) return bundledDecompress(source, compression);
  return loadedOnFirstRead(async () => {
    const program = await findNativeDecoder(compression);
    return program === undefined
      ? bundledDecompress(source, compression)
      : nativeDecompress(source, compression, program);
  });
}

function bundledDecompress(source: AsyncIterable<Buffer>, compression: Compression): AsyncIterable<Buffer> {
  switch (compression) {
    case 'gz':
      // Gunzip reads every member of a multi-member gzip (as `gzip -d` does), not just the first.
      return throughTransform(source, zlib.createGunzip({ chunkSize: ZLIB_OUTPUT_CHUNK_BYTES }));
    case 'zst':
      // Node's zstd decoder stops at the end of the first frame: each frame gets its own.
      return decodeZstdFrames(source, (frame) =>
        throughTransform(frame, zlib.createZstdDecompress({ chunkSize: ZLIB_OUTPUT_CHUNK_BYTES })),
      );
    // The pure-JavaScript and WASM decoders load only for the assets that need them: most builds meet
    // gzip alone, and every module evaluated is start-up time paid on each build.
    case 'xz':
      return loadedOnFirstRead(async () => (await import('./xz-decompress.js')).xzDecompress(source));
    case 'bz2':
      return loadedOnFirstRead(async () => (await import('./bzip2-decompress.js')).bzip2Decompress(source));
  }
}

/**
 * The decoder `load` makes, made when the first chunk is asked for; a consumer that stops before that loads
 * nothing. Once loaded, next() and return() go straight to the decoder (an early stop or a failure reaches it,
 * so it cleans up as before), with no generator in between to resume for every chunk.
 */
function loadedOnFirstRead(load: () => Promise<AsyncIterable<Buffer>>): AsyncIterable<Buffer> {
  let decoder: AsyncIterator<Buffer> | undefined;
  let loading: Promise<AsyncIterator<Buffer>> | undefined;
  const loaded = (): Promise<AsyncIterator<Buffer>> =>
    (loading ??= load().then((iterable) => (decoder = iterable[Symbol.asyncIterator]())));
  return chunkIterator(
    () => decoder?.next() ?? loaded().then((started) => started.next()),
    async () => {
      const started = loading === undefined ? undefined : await loading.catch(() => undefined);
      await started?.return?.();
    },
  );
}

function throughTransform(source: AsyncIterable<Buffer>, transform: Transform): AsyncIterable<Buffer> {
  // pipeline destroys both sides when either fails or the consumer stops early; the consumer sees the
  // error through the transform it iterates, so the callback has nothing left to do.
  return pipeline(Readable.from(source, { objectMode: false }), transform, () => undefined);
}
