/**
 * How much data a stream that allocates little else passes between two young-generation collections. V8
 * frees a dead Buffer's memory only when it collects the Buffer, and collects the young generation when
 * JavaScript objects fill it. Inflating a zip member makes few of those: a 126 MB member of real
 * executables went through zlib in 256 KiB Buffers with hardly a collection, until the dead ones outside
 * the heap reached 40 MB (a build's peak RSS 111 MB, against 76 for the same files as tar.zst). A minor
 * collection every 2 MiB brought the in-process peak from 96 to 67 MB at no measurable cost (every 4 MiB:
 * 73, every 16 MiB: 88).
 */
const RELEASE_EVERY_BYTES = 2 * 1024 * 1024;

/** V8's `gc`, as --expose-gc makes it (the executable's flags, scripts/_sea.mjs). */
type ExposedGc = (options: { readonly type: 'minor' }) => void;

/**
 * A counter for a stream's bytes that asks V8 for a minor collection every RELEASE_EVERY_BYTES. Where V8
 * does not expose `gc` (the tests, run by plain Node), it counts and does nothing else.
 */
export function deadBufferReleaser(): (bytes: number) => void {
  const collect = (globalThis as { gc?: ExposedGc }).gc;
  if (collect === undefined) return () => undefined;
  let since = 0;
  return (bytes) => {
    since += bytes;
    if (since < RELEASE_EVERY_BYTES) return;
    since = 0;
    collect({ type: 'minor' });
  };
}
