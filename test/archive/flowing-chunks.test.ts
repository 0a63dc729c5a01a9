import { Readable } from 'node:stream';
import { Header, ReadEntry } from 'tar';
import { describe, expect, it } from 'vitest';
import { FailureSignal } from '../../src/archive/failure-signal.js';
import { flowingChunks } from '../../src/archive/flowing-chunks.js';

const chunk = (n: number, size = 1024): Buffer => Buffer.alloc(size, n);

/** A member as node-tar's parser hands it on (a minipass stream), of `chunks` chunks of 1 KiB. */
const tarMember = (chunks: number): ReadEntry =>
  new ReadEntry(new Header({ path: 'member', type: 'File', size: chunks * 1024, mode: 0o644 }));

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const all: Buffer[] = [];
  for await (const each of chunks) all.push(each);
  return all;
}

/** A Readable that makes `count` chunks on demand and records how many it made. */
function counted(count: number, size = 1024): { stream: Readable; made: () => number } {
  let made = 0;
  const stream = new Readable({
    highWaterMark: 1,
    read() {
      this.push(made < count ? chunk(made++, size) : null);
    },
  });
  return { stream, made: () => made };
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('flowingChunks', () => {
  it("yields a Node Readable's chunks in order and leaves no listener behind", async () => {
    const { stream } = counted(50);
    const chunks = await collect(flowingChunks(stream, { readAheadBytes: 0 }));
    expect(chunks.map((each) => each[0])).toEqual([...Array(50).keys()]);
    for (const event of ['data', 'end', 'error', 'close']) expect(stream.listenerCount(event)).toBe(0);
  });

  it("yields a tar member's chunks (a minipass stream) written before and while it is read", async () => {
    const entry = tarMember(3);
    entry.write(chunk(0));
    const reading = collect(flowingChunks(entry, { readAheadBytes: 0 }));
    await nextTurn();
    entry.write(chunk(1));
    entry.end(chunk(2));
    expect((await reading).map((each) => each[0])).toEqual([0, 1, 2]);
  });

  it('pauses the source while a busy consumer holds more than the read-ahead', async () => {
    for (const readAheadBytes of [0, 8 * 1024]) {
      const { stream, made } = counted(100);
      const iterator = flowingChunks(stream, { readAheadBytes })[Symbol.asyncIterator]();
      await iterator.next();
      // The consumer now sits on its first chunk; the source runs until the read-ahead is full.
      for (let turn = 0; turn < 20; turn++) await nextTurn();
      // The chunk taken, the read-ahead plus the chunk that went past it, and one in the stream's buffer.
      expect(made()).toBeLessThanOrEqual(1 + readAheadBytes / 1024 + 1 + 1);
      expect(stream.isPaused()).toBe(true);
      await iterator.return?.(undefined);
      stream.destroy();
    }
  });

  it('reads on once the consumer has taken the held chunks', async () => {
    const { stream, made } = counted(100);
    let taken = 0;
    for await (const each of flowingChunks(stream, { readAheadBytes: 0 })) {
      expect(each[0]).toBe(taken++);
      await nextTurn();
    }
    expect(taken).toBe(100);
    expect(made()).toBe(100);
  });

  it("fails with the source's own error", async () => {
    const failure = new Error('connection reset');
    const stream = new Readable({ read() {} });
    stream.push(chunk(0));
    const reading = collect(flowingChunks(stream, { readAheadBytes: 0 }));
    await nextTurn();
    stream.destroy(failure);
    await expect(reading).rejects.toBe(failure);
  });

  it('fails with a premature close when the source is destroyed before its end', async () => {
    const stream = new Readable({ read() {} });
    const reading = collect(flowingChunks(stream, { readAheadBytes: 0 }));
    await nextTurn();
    stream.destroy();
    await expect(reading).rejects.toMatchObject({ code: 'ERR_STREAM_PREMATURE_CLOSE' });
  });

  it('tells a source that failed, closed or ended before it was called', async () => {
    const failure = new Error('connection reset');
    const failed = new Readable({ read() {} });
    failed.on('error', () => undefined);
    failed.destroy(failure);
    const closed = new Readable({ read() {} });
    closed.destroy();
    const ended = Readable.from([chunk(0)]);
    await collect(ended);
    await nextTurn();
    await expect(collect(flowingChunks(failed, { readAheadBytes: 0 }))).rejects.toBe(failure);
    await expect(collect(flowingChunks(closed, { readAheadBytes: 0 }))).rejects.toMatchObject({
      code: 'ERR_STREAM_PREMATURE_CLOSE',
    });
    await expect(collect(flowingChunks(ended, { readAheadBytes: 0 }))).resolves.toEqual([]);
  });

  it('stops a consumer waiting for more when the job fails elsewhere', async () => {
    const failure = new FailureSignal();
    const entry = tarMember(3);
    const reading = collect(flowingChunks(entry, { readAheadBytes: 0, failure }));
    await nextTurn();
    const cause = new Error('the parser failed');
    failure.fail(cause);
    await expect(reading).rejects.toBe(cause);
    expect(entry.listenerCount('data')).toBe(0);
  });

  it('joins chunks shorter than joinBelowBytes with the ones after them, and passes larger ones as they are', async () => {
    const sizes = [1024, 1024, 1024, 5000, 1024, 8192, 100];
    const bytes = sizes.map((size, n) => chunk(n, size));
    const joined = await collect(
      flowingChunks(Readable.from(bytes, { objectMode: false }), { readAheadBytes: 0, joinBelowBytes: 4096 }),
    );
    // Three 1 KiB chunks and the 5000-byte one make the first; then 1 KiB and 8 KiB; the short last one ends.
    expect(joined.map((each) => each.length)).toEqual([8072, 9216, 100]);
    expect(Buffer.concat(joined)).toEqual(Buffer.concat(bytes));
  });

  it('does not pause a source while the chunks it holds are still too short to hand on', async () => {
    // With a read-ahead below the join size, pausing at the read-ahead would wait forever for the rest.
    const { stream } = counted(64);
    const joined = await collect(flowingChunks(stream, { readAheadBytes: 0, joinBelowBytes: 16 * 1024 }));
    expect(joined.map((each) => each.length)).toEqual([16, 16, 16, 16].map((kib) => kib * 1024));
  });
});
