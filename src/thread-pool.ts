/**
 * How many threads libuv's pool gets: one per core, at least 2 and at most libuv's default of 4. The pool runs
 * every zlib decoder (gzip, zip's deflate, the bundled zstd) and every file write. With more threads than cores
 * they take turns on the cores with the main thread, which carries the rest of the streaming. On 2 cores, 2
 * threads instead of 4 made a build of four tar.gz assets 5-9 % faster, with the single-asset formats, the
 * 32-asset build and peak RSS within noise (BENCHMARKS.md, issue 13's fifth pass). At least 2, so that a slow
 * write does not hold up a decoder, even on one core.
 */
export function threadPoolSize(cores: number): number {
  return Math.min(4, Math.max(2, Math.floor(cores)));
}
