import { describe, expect, it } from 'vitest';
import { readStreamHead } from '../../src/archive/stream-head.js';
import { collect } from '../github/helpers.js';

/** A source of `count` chunks of 4 bytes that records whether it was released (its finally ran). */
function source(count: number): { chunks: AsyncIterable<Buffer>; released: () => boolean } {
  let released = false;
  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      for (let n = 0; n < count; n++) yield Buffer.alloc(4, n);
    } finally {
      released = true;
    }
  }
  return { chunks: chunks(), released: () => released };
}

describe('readStreamHead', () => {
  it('reads the head without losing it: the stream yields every byte again, the head first', async () => {
    const { chunks } = source(5);
    const { head, stream } = await readStreamHead(chunks, 6);
    expect(head).toEqual(Buffer.from([0, 0, 0, 0, 1, 1]));
    expect(await collect(stream)).toEqual(Buffer.concat([0, 1, 2, 3, 4].map((n) => Buffer.alloc(4, n))));
  });

  it('gives a short stream whole as its head, and then ends', async () => {
    const { chunks } = source(1);
    const { head, stream } = await readStreamHead(chunks, 64);
    expect(head).toEqual(Buffer.alloc(4, 0));
    expect(await collect(stream)).toEqual(Buffer.alloc(4, 0));
  });

  it('releases the source when the consumer stops early, before or after the head', async () => {
    for (const taken of [0, 1, 2]) {
      const { chunks, released } = source(10);
      const { stream } = await readStreamHead(chunks, 4);
      let seen = 0;
      for await (const chunk of stream) {
        void chunk;
        if (seen++ === taken) break;
      }
      expect(released()).toBe(true);
    }
  });
});
