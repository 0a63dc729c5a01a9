/**
 * An async iterator of chunks made of two functions, for the stages every chunk of an asset passes: `next`
 * usually hands on the stage before's promise as it is, where an async generator would resume itself and
 * make a few more promises for each chunk. `release` is what an early stop (return) must let go of.
 */
export function chunkIterator(
  next: () => Promise<IteratorResult<Buffer>>,
  release: () => Promise<unknown>,
): AsyncIterableIterator<Buffer> {
  const iterator: AsyncIterableIterator<Buffer> = {
    [Symbol.asyncIterator]: () => iterator,
    next,
    return: async () => {
      await release();
      return { done: true, value: undefined };
    },
  };
  return iterator;
}
