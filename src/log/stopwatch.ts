/**
 * A stopwatch for the timings debug logs show: the whole milliseconds since it was made. It reads
 * process.hrtime, because the first use of the global `performance` loads Node's perf_hooks modules, about
 * 2.5 ms of every build's start.
 */
export function stopwatch(): () => number {
  const began = process.hrtime.bigint();
  return () => Number((process.hrtime.bigint() - began) / 1_000_000n);
}
