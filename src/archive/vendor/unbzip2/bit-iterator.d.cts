declare namespace bitIterator {
  /** Reads `n` bits (n = null aligns to the next byte); counts whole bytes consumed in `bytesRead`. */
  interface BitReader {
    (n: number | null): number;
    bytesRead: number;
  }
}
/** A bit reader over the buffers `nextBuffer` hands out, one after another (undefined when none is left). */
declare function bitIterator(nextBuffer: () => Uint8Array | undefined): bitIterator.BitReader;
export = bitIterator;
