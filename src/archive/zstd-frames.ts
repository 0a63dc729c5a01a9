/**
 * Decodes every frame of a zstd stream, each through its own `decodeFrame` (a fresh decoder per frame).
 *
 * A .zst file may hold several frames one after another (RFC 8878 §3.1: `cat a.zst b.zst`, pzstd's output,
 * skippable frames carrying metadata), and `zstd -d` decodes them all. Node's zstd stream decoder stops at the
 * end of the first frame, which would drop the rest of the data. Where a frame ends is written in its
 * headers (each block states its size), so the input is split here without decoding, and each frame goes to
 * its own decoder; skippable frames are passed over as `zstd -d` does. Blocks are passed on as slices of the
 * input chunks: nothing is copied but a header that straddles two chunks.
 */
export async function* decodeZstdFrames(
  source: AsyncIterable<Buffer>,
  decodeFrame: (frame: AsyncIterable<Buffer>) => AsyncIterable<Buffer>,
): AsyncGenerator<Buffer> {
  const input = new ByteReader(source[Symbol.asyncIterator]());
  try {
    for (let frames = 0; !(await input.atEnd());) {
      const magic = await input.read(4);
      const value = magic.readUInt32LE(0);
      if ((value & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC) {
        await skip(input.pass((await input.read(4)).readUInt32LE(0)));
        continue;
      }
      if (value !== FRAME_MAGIC) {
        throw new Error(
          frames === 0
            ? 'it does not start with a zstd frame'
            : `the bytes after zstd frame ${frames} are not another zstd frame`,
        );
      }
      yield* decodeFrame(frameBytes(input, magic));
      frames += 1;
    }
  } finally {
    await input.release();
  }
}

const FRAME_MAGIC = 0xfd2fb528;
const SKIPPABLE_MAGIC = 0x184d2a50;
const SKIPPABLE_MASK = 0xfffffff0;

/** A frame's bytes, from its magic number to its checksum, read from `input` and no further. */
async function* frameBytes(input: ByteReader, magic: Buffer): AsyncGenerator<Buffer> {
  yield magic;
  const descriptor = await input.read(1);
  yield descriptor;
  const flags = descriptor[0] ?? 0;
  if ((flags & 0x08) !== 0) throw new Error('a zstd frame header sets its reserved bit: the data is corrupt');
  const singleSegment = (flags & 0x20) !== 0;
  // The byte lengths of the header's optional fields (RFC 8878 §3.1.1.1): Window_Descriptor,
  // Dictionary_ID and Frame_Content_Size.
  const windowDescriptorBytes = singleSegment ? 0 : 1;
  const dictionaryIdBytes = [0, 1, 2, 4][flags & 0x03] ?? 0;
  const contentSizeBytes = [singleSegment ? 1 : 0, 2, 4, 8][flags >> 6] ?? 0;
  const headerRest = windowDescriptorBytes + dictionaryIdBytes + contentSizeBytes;
  if (headerRest > 0) yield await input.read(headerRest);
  for (let last = false; !last;) {
    const blockHeader = await input.read(3);
    yield blockHeader;
    const header = blockHeader.readUIntLE(0, 3);
    last = (header & 1) === 1;
    const type = (header >> 1) & 0x03;
    if (type === 3) throw new Error('a zstd block of the reserved type: the data is corrupt');
    // An RLE block holds one byte, repeated Block_Size times when decoded; raw and compressed blocks hold
    // Block_Size bytes.
    yield* input.pass(type === 1 ? 1 : header >>> 3);
  }
  const hasChecksum = (flags & 0x04) !== 0;
  if (hasChecksum) yield await input.read(4);
}

async function skip(bytes: AsyncIterable<Buffer>): Promise<void> {
  for await (const chunk of bytes) void chunk;
}

/** Pull-based reads of exact byte counts from a stream of chunks. */
class ByteReader {
  private readonly chunks: AsyncIterator<Buffer>;
  private pending: Buffer = Buffer.alloc(0);
  private ended = false;

  constructor(chunks: AsyncIterator<Buffer>) {
    this.chunks = chunks;
  }

  /** True when every byte has been read. */
  async atEnd(): Promise<boolean> {
    return this.pending.length === 0 && !(await this.pull());
  }

  /** The next `size` bytes as one buffer (for headers: a few bytes each). */
  async read(size: number): Promise<Buffer> {
    while (this.pending.length < size) {
      const before = this.pending;
      if (!(await this.pull())) throw truncated();
      if (before.length > 0) this.pending = Buffer.concat([before, this.pending]);
    }
    const bytes = this.pending.subarray(0, size);
    this.pending = this.pending.subarray(size);
    return bytes;
  }

  /** The next `size` bytes as they arrive, in slices of the input's chunks. */
  async *pass(size: number): AsyncGenerator<Buffer> {
    for (let left = size; left > 0;) {
      if (this.pending.length === 0 && !(await this.pull())) throw truncated();
      const slice = this.pending.subarray(0, Math.min(left, this.pending.length));
      this.pending = this.pending.subarray(slice.length);
      left -= slice.length;
      yield slice;
    }
  }

  /** Lets the input go (a socket, a file) when decoding stops before its end. */
  async release(): Promise<void> {
    if (!this.ended) {
      this.ended = true;
      await this.chunks.return?.();
    }
  }

  /** Replaces the (used up) pending bytes with the next chunk; false at the end of the input. */
  private async pull(): Promise<boolean> {
    while (!this.ended) {
      const next = await this.chunks.next();
      if (next.done === true) {
        this.ended = true;
        break;
      }
      if (next.value.length > 0) {
        this.pending = next.value;
        return true;
      }
    }
    return false;
  }
}

function truncated(): Error {
  return new Error('the zstd data ends in the middle of a frame');
}
