import type { BitReader } from './bit-iterator.cjs';

declare const bzip2: {
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
};
export = bzip2;
