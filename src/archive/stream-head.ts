import { chunkIterator } from './chunk-iterator.js';

/** The first bytes of a stream, and the whole stream again (those bytes included) for the next stage. */
export interface StreamHead {
  readonly head: Buffer;
  readonly stream: AsyncIterable<Buffer>;
}

/**
 * Reads at least `size` bytes (fewer if the stream is shorter) so the format can be told from content, without
 * losing them: `stream` yields them first, then the rest. Only `size` bytes plus one chunk are held.
 */
export async function readStreamHead(source: AsyncIterable<Buffer>, size: number): Promise<StreamHead> {
  const iterator = source[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let length = 0;
  let ended = false;
  while (length < size) {
    const next = await iterator.next();
    if (next.done === true) {
      ended = true;
      break;
    }
    chunks.push(next.value);
    length += next.value.length;
  }
  const head = Buffer.concat(chunks);
  return { head: head.subarray(0, Math.min(size, head.length)), stream: replay(head, ended, iterator) };
}

/** The head, then the rest straight from `rest` (a chunkIterator: every chunk of an asset passes here). */
function replay(head: Buffer, ended: boolean, rest: AsyncIterator<Buffer>): AsyncIterableIterator<Buffer> {
  let pending: Buffer | undefined = head.length > 0 ? head : undefined;
  return chunkIterator(
    () => {
      const first = pending;
      if (first !== undefined) {
        pending = undefined;
        return Promise.resolve({ done: false, value: first });
      }
      return ended ? Promise.resolve({ done: true, value: undefined }) : rest.next();
    },
    // A consumer that stops early (an error further down) must release the source (socket, file) too.
    async () => {
      pending = undefined;
      if (!ended) {
        ended = true;
        await rest.return?.();
      }
    },
  );
}
