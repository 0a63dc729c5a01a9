import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { inspect } from 'node:util';
import type { RetryOptions } from '../../src/download/retry-policy.js';
import { createLogger, type Logger } from '../../src/log/logger.js';

/** Retry settings that keep tests fast. */
export const fastRetry: RetryOptions = {
  attempts: 4,
  baseDelayMs: 5,
  maxWaitMs: 5_000,
  connectTimeoutMs: 2_000,
  readTimeoutMs: 2_000,
};

/** A temp dir per test, removed by the returned cleanup. */
export async function makeTempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'gh-assets-test-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes `size` random bytes (or the given bytes) to dir/name and returns the path. */
export async function writeAssetFile(dir: string, name: string, content: number | Buffer): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, typeof content === 'number' ? randomBytes(content) : content);
  return file;
}

/** A debug-level logger that records every line it prints (no redaction, so leaks are visible). */
export function recordingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: createLogger({ write: (line) => lines.push(line), debug: true }), lines };
}

/** A consumer that collects the body (a stream, or any iterable of chunks) in memory (fine for test-sized assets). */
export async function collect(body: Readable | AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Every string reachable from an error: message, name, cause chain, and an inspection of its fields. */
export function errorText(error: unknown): string {
  const parts: string[] = [];
  for (let current = error, depth = 0; current !== undefined && depth < 8; depth++) {
    if (current instanceof Error) {
      parts.push(current.name, current.message, current.stack ?? '');
      parts.push(inspect(current, { depth: 6 }));
      current = current.cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return parts.join('\n');
}
