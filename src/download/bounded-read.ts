/** Reading an answer into memory with a bound, so a hostile or broken server cannot exhaust it. */
import { PermanentFailure } from './network-failure.js';

/** Error answers are read for the server's message only: their first 64 KiB. */
export const ERROR_BODY_CAP = 64 * 1024;

/** The body ran past `limit` bytes. */
export class ReadLimitExceeded extends PermanentFailure {
  constructor(readonly limit: number) {
    super(`the answer is larger than ${limit} bytes`);
  }
}

/**
 * Reads `body` chunk by chunk up to `limit` bytes. Past it, either stops and returns the first `limit`
 * bytes ('truncate', for error bodies read only for their message) or throws ReadLimitExceeded ('refuse').
 * Either way the rest is never read: leaving the loop early destroys the stream.
 */
export async function readCapped(
  body: AsyncIterable<Uint8Array>,
  limit: number,
  past: 'truncate' | 'refuse',
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of body) {
    const room = limit - length;
    if (chunk.byteLength > room) {
      if (past === 'refuse') throw new ReadLimitExceeded(limit);
      chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, room));
      length = limit;
      break;
    }
    chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    length += chunk.byteLength;
  }
  return Buffer.concat(chunks, length);
}
