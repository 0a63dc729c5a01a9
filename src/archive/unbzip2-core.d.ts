// Types for the decoding core of unbzip2-stream, which bzip2-decompress.ts drives itself (see there for why).
declare module 'unbzip2-stream/lib/bit_iterator.js' {
  /** Reads `n` bits (n = null aligns to the next byte); counts whole bytes consumed in `bytesRead`. */
  export interface BitReader {
    (n: number | null): number;
    bytesRead: number;
  }
  export default function bitIterator(nextBuffer: () => Uint8Array | undefined): BitReader;
}

declare module 'unbzip2-stream/lib/bzip2.js' {
  import type { BitReader } from 'unbzip2-stream/lib/bit_iterator.js';
  interface Bzip2 {
    /** Reads the stream header; returns the block size in units of 100 kB (1..9). */
    header(bits: BitReader): number;
    /** Decodes one block, calling `write` per byte; returns the running CRC, or null at the end of the stream. */
    decompress(
      bits: BitReader,
      write: (byte: number) => void,
      buf: Int32Array,
      bufsize: number,
      streamCRC: number | null,
    ): number | null;
  }
  const bzip2: Bzip2;
  export default bzip2;
}
