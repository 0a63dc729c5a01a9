/** Wall-clock measurement of child processes, and the statistics the report prints. */
import { spawn, spawnSync, type SpawnOptions } from 'node:child_process';

export interface Sample {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly values: readonly number[];
}

/** Median, min and max of a non-empty list (the median of an even count is the mean of the middle two). */
export function summarize(values: readonly number[]): Sample {
  if (values.length === 0) throw new Error('no samples to summarize');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? (sorted[middle] as number)
      : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return { median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number, values };
}

export interface TimedRun {
  readonly ms: number;
  readonly code: number;
  readonly output: string;
}

/** Runs a command to its end and returns its wall time from spawn to exit (performance.now, sub-ms). */
export function timeCommand(
  command: string,
  args: readonly string[],
  options: SpawnOptions = {},
): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: performance.now() - started, code: code ?? 1, output }));
  });
}

/** Flushes dirty pages, so one measurement's writes are not paid for by the next one. */
export function flushDisks(): void {
  spawnSync('sync', { stdio: 'ignore' });
}

/** Quotes a word for sh/bash. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
