// Types for snappyjs (Snappy block format), which decodes the bundles GitHub serves from bundle_url.
declare module 'snappyjs' {
  /** Decodes a Snappy block; throws when it would exceed `maxLength` bytes or is not valid Snappy. */
  export function uncompress(compressed: Uint8Array, maxLength?: number): Uint8Array;
  export function compress(uncompressed: Uint8Array): Uint8Array;
}
