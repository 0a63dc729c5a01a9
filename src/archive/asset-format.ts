/** A compression that wraps either a tar or a single bare file. */
export type Compression = 'gz' | 'xz' | 'bz2' | 'zst';

/** What the first bytes of an asset say it is, before any decompression. */
export type OuterFormat = Compression | 'zip' | 'tar' | 'raw';

/** Bytes to peek at: a whole tar header block, which holds the ustar magic at offset 257. */
export const FORMAT_HEAD_SIZE = 512;

const MAGIC: readonly (readonly [OuterFormat, Buffer])[] = [
  ['gz', Buffer.from([0x1f, 0x8b])],
  ['xz', Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])],
  ['bz2', Buffer.from('BZh', 'latin1')],
  ['zst', Buffer.from([0x28, 0xb5, 0x2f, 0xfd])],
  ['zip', Buffer.from('PK\x03\x04', 'latin1')],
  // An empty zip is only its end-of-central-directory record.
  ['zip', Buffer.from('PK\x05\x06', 'latin1')],
];

const COMPRESSION_SUFFIX = /\.(gz|gzip|xz|bz2|bzip2|zst|zstd)$/i;

/** What an asset's name promises: the outer format, and whether a tar is inside a compression. */
export interface PromisedFormat {
  /** As shown to users: 'tar.gz', 'zip', 'gz', ... */
  readonly name: string;
  readonly outer: Exclude<OuterFormat, 'raw'>;
  readonly tar: boolean;
}

/** Name suffixes and what they promise, longest first so '.tar.gz' wins over '.gz'. */
const NAME_SUFFIXES: readonly (readonly [RegExp, PromisedFormat])[] = [
  [/\.(tar\.gz|tgz)$/i, { name: 'tar.gz', outer: 'gz', tar: true }],
  [/\.(tar\.xz|txz)$/i, { name: 'tar.xz', outer: 'xz', tar: true }],
  [/\.(tar\.bz2|tbz2?)$/i, { name: 'tar.bz2', outer: 'bz2', tar: true }],
  [/\.(tar\.zstd?|tzst)$/i, { name: 'tar.zst', outer: 'zst', tar: true }],
  [/\.tar$/i, { name: 'tar', outer: 'tar', tar: true }],
  [/\.zip$/i, { name: 'zip', outer: 'zip', tar: false }],
  [/\.(gz|gzip)$/i, { name: 'gz', outer: 'gz', tar: false }],
  [/\.xz$/i, { name: 'xz', outer: 'xz', tar: false }],
  [/\.(bz2|bzip2)$/i, { name: 'bz2', outer: 'bz2', tar: false }],
  [/\.zstd?$/i, { name: 'zst', outer: 'zst', tar: false }],
];

/** The format an asset's name promises, or undefined for a name with no archive or compression suffix. */
export function promisedFormat(assetName: string): PromisedFormat | undefined {
  return NAME_SUFFIXES.find(([suffix]) => suffix.test(assetName))?.[1];
}

/**
 * Tells the format of an asset from its first bytes (never from a MIME type, which GitHub sets from the name).
 * The name only breaks the tie for an old v7 tar, which has no magic, and then only if its header checksum holds.
 */
export function detectOuterFormat(head: Buffer, assetName: string): OuterFormat {
  for (const [format, magic] of MAGIC) {
    if (head.length >= magic.length && head.subarray(0, magic.length).equals(magic)) return format;
  }
  return looksLikeTar(head, assetName) ? 'tar' : 'raw';
}

/** Whether (decompressed) content that starts with `head` is a tar archive. */
export function looksLikeTar(head: Buffer, assetName: string): boolean {
  if (head.length < FORMAT_HEAD_SIZE) return false;
  if (head.subarray(257, 262).toString('latin1') === 'ustar') return true;
  if (promisedFormat(assetName)?.tar !== true) return false;
  // An archive with no members is just zero blocks; a v7 header has no magic but a checksum we can verify.
  return head.every((byte) => byte === 0) || hasValidTarChecksum(head);
}

function hasValidTarChecksum(header: Buffer): boolean {
  const stored = Number.parseInt(
    header
      .subarray(148, 156)
      .toString('latin1')
      .replace(/[\0 ]+/g, ' ')
      .trim(),
    8,
  );
  if (!Number.isInteger(stored)) return false;
  let unsigned = 0;
  let signed = 0;
  for (let index = 0; index < 512; index++) {
    const byte = index >= 148 && index < 156 ? 0x20 : (header[index] ?? 0);
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  // Some old tars summed signed chars; both are accepted, as GNU tar does.
  return stored === unsigned || stored === signed;
}

/** The name a bare compressed file gets by default: the asset name without its compression suffix. */
export function bareFileName(assetName: string): string {
  const stripped = assetName.replace(COMPRESSION_SUFFIX, '');
  return stripped.length > 0 ? stripped : assetName;
}
