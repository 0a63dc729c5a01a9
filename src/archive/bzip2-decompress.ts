/*!
 * The bzip2 decoder below is unbzip2-stream 1.4.3 (src/archive/vendor/unbzip2), MIT licence:
 * Copyright (c) 2017 by Jan Boelsche; based on bzip2.js, Copyright 2011 by antimatter15; based on
 * micro-bunzip by Rob Landley. Permission is hereby granted, free of charge, to any person obtaining a copy
 * of this software and associated documentation files (the "Software"), to deal in the Software without
 * restriction, including without limitation the rights to use, copy, modify, merge, publish, distribute,
 * sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is furnished to
 * do so, subject to the following conditions: The above copyright notice and this permission notice shall be
 * included in all copies or substantial portions of the Software. THE SOFTWARE IS PROVIDED "AS IS", WITHOUT
 * WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
 * FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE
 * LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE,
 * ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
 * (A legal comment, so the bundler keeps it in bin/run, which ships the decoder.)
 */
import bitIterator, { type BitReader } from './vendor/unbzip2/bit-iterator.cjs';
import bzip2 from './vendor/unbzip2/bzip2.cjs';

/** Room for one whole compressed block of the largest size (900 kB) plus headers, as unbzip2-stream keeps. */
const BLOCK_INPUT_MARGIN = 25_000;
const OUTPUT_CHUNK = 64 * 1024;

/**
 * Decompresses bzip2 (single or multi-stream) with the pure-JavaScript decoder of unbzip2-stream (vendored, see vendor/unbzip2).
 *
 * Its own stream wrapper is not used: it decodes every buffered block at once without backpressure and
 * collects output one JavaScript number per byte, so a 200 MB stream of zeros took about 2 GB of memory. Here
 * one block is decoded at a time, only when the consumer asks for more, into plain buffers, so memory stays
 * at one block's output (at most about 46 MB for the most repetitive block) whatever the stream's size.
 */
export async function* bzip2Decompress(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const queue: Buffer[] = [];
  let buffered = 0;
  // The bit reader takes its first buffer when created, so it is created once there is one.
  let reader: BitReader | undefined;
  const bits = (): BitReader => (reader ??= bitIterator(() => queue.shift()));
  let blockSize = 0;
  let streamCRC: number | null = null;
  let inStream = false;

  // Decodes the next header or block; returns the block's output (empty for a header or an end of stream).
  const step = (): Buffer[] => {
    if (!inStream) {
      blockSize = bzip2.header(bits());
      streamCRC = 0;
      inStream = true;
      return [];
    }
    const output = blockOutput();
    const bufsize = 100_000 * blockSize;
    streamCRC = bzip2.decompress(bits(), output.write, new Int32Array(bufsize), bufsize, streamCRC);
    if (streamCRC === null) inStream = false;
    return output.finish();
  };
  const unread = (): number => buffered - (reader?.bytesRead ?? 0);

  for await (const chunk of source) {
    queue.push(chunk);
    buffered += chunk.length;
    // The decoder reads synchronously, so a block is decoded only once all of its input is here.
    while (unread() >= (inStream ? BLOCK_INPUT_MARGIN + 100_000 * blockSize : 4)) {
      yield* step();
    }
  }
  while (unread() > 0) yield* step();
  if (inStream) throw new Error('bzip2 stream ended before its end-of-stream marker (truncated)');
}

/** Collects decoded bytes into fixed-size buffers (closure variables: this runs once per output byte). */
function blockOutput(): { write: (byte: number) => void; finish: () => Buffer[] } {
  const chunks: Buffer[] = [];
  let current = Buffer.allocUnsafe(OUTPUT_CHUNK);
  let used = 0;
  return {
    write: (byte) => {
      if (used === OUTPUT_CHUNK) {
        chunks.push(current);
        current = Buffer.allocUnsafe(OUTPUT_CHUNK);
        used = 0;
      }
      current[used++] = byte;
    },
    finish: () => {
      if (used > 0) chunks.push(current.subarray(0, used));
      return chunks;
    },
  };
}
