import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import fs, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Readable, pipeline as pipe } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import unzipper from 'unzipper';
import { BuildpackError } from '../errors.js';
import type { ArchiveEntry, ArchiveEntryType } from './archive-entry.js';
import { ZLIB_OUTPUT_CHUNK_BYTES } from './decompress.js';
import { ArchiveFormatError, messageOf, quotePath } from './archive-errors.js';
import { deadBufferReleaser } from './release-dead-buffers.js';
import type { EntryWriter } from './entry-writer.js';

const UNIX_HOSTS = new Set([3 /* Unix */, 19 /* OS X */]);
const FILE_TYPES: ReadonlyMap<number, readonly [ArchiveEntryType, string]> = new Map([
  [0o100000, ['file', 'File']],
  [0o040000, ['directory', 'Directory']],
  [0o120000, ['symlink', 'SymbolicLink']],
  [0o020000, ['unsupported', 'CharacterDevice']],
  [0o060000, ['unsupported', 'BlockDevice']],
  [0o010000, ['unsupported', 'FIFO']],
  [0o140000, ['unsupported', 'Socket']],
]);
const STORED = 0;
const DEFLATED = 8;
const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const LOCAL_HEADER_SIZE = 30;
/** Reads of the spooled file: as with the inflated chunks (decompress.ts), fewer and larger cost less. */
const READ_CHUNK_BYTES = 256 * 1024;
const MSDOS_DIRECTORY = 0x10;
/** Longer than any path a system accepts; a symlink "target" beyond it is not one. */
const MAX_LINK_TARGET = 4096;

type ZipFile = unzipper.File;

/**
 * Reads a zip from its central directory, the authoritative member list (local headers can disagree with
 * it, and sizes may only follow the data), so the stream is first spooled to a file in `tempDir`. Each member
 * is handed to the writer in order; data is inflated as it is written and checked against the CRC-32 and size
 * the directory records.
 */
export async function readZip(
  source: AsyncIterable<Buffer>,
  writer: EntryWriter,
  options: { readonly assetName: string; readonly tempDir: string },
): Promise<void> {
  const spoolDirectory = await fs.mkdtemp(path.join(options.tempDir, 'zip-'));
  const spoolPath = path.join(spoolDirectory, 'asset.zip');
  const openStreams = new Set<ReadStream>();
  let headers: FileHandle | undefined;
  const formatError = (problem: string, cause?: unknown): ArchiveFormatError =>
    new ArchiveFormatError(options.assetName, 'zip', problem, cause === undefined ? undefined : { cause });
  try {
    await pipeline(
      Readable.from(source, { objectMode: false }),
      createWriteStream(spoolPath, { flags: 'wx' }),
    );
    const spoolSize = (await fs.stat(spoolPath)).size;
    const handle = await fs.open(spoolPath);
    headers = handle;
    const spool: Spool = {
      size: spoolSize,
      // unzipper leaves some of these unread; they are all closed below, success or not.
      read: (start, end, highWaterMark) => {
        const stream = createReadStream(spoolPath, {
          start,
          ...(end === undefined ? {} : { end }),
          ...(highWaterMark === undefined ? {} : { highWaterMark }),
        });
        openStreams.add(stream);
        stream.once('close', () => openStreams.delete(stream));
        return stream;
      },
      header: async (offset) => {
        const header = Buffer.alloc(LOCAL_HEADER_SIZE);
        const { bytesRead } = await handle.read(header, 0, LOCAL_HEADER_SIZE, offset);
        return header.subarray(0, bytesRead);
      },
    };
    // unzipper reads the central directory (zip64 included); the members' data is read below.
    const directory = await unzipper.Open.custom({
      size: () => Promise.resolve(spoolSize),
      stream: (offset: number, length?: number) =>
        spool.read(offset, length === undefined ? undefined : offset + length, undefined),
    }).catch((error: unknown) => {
      throw formatError(`its central directory cannot be read (${messageOf(error)})`, error);
    });
    for (const file of directory.files) {
      if ((file.flags & 0x1) !== 0) throw formatError(`the member ${quotePath(file.path)} is encrypted`);
      if (file.compressionMethod !== STORED && file.compressionMethod !== DEFLATED) {
        throw formatError(
          `the member ${quotePath(file.path)} uses compression method ${file.compressionMethod}; ` +
            'only stored and deflated members are supported',
        );
      }
      await writer.writeMember(await fromZip(file, spool, formatError));
    }
  } finally {
    await headers?.close();
    await Promise.all(
      [...openStreams].map(async (stream) => {
        stream.destroy();
        await finished(stream).catch(() => undefined);
      }),
    );
    await fs.rm(spoolDirectory, { recursive: true, force: true });
  }
}

/** The spooled zip: its size, ranges of it as streams, and the fixed part of a local header. */
interface Spool {
  readonly size: number;
  read(start: number, end: number | undefined, highWaterMark: number | undefined): ReadStream;
  header(offset: number): Promise<Buffer>;
}

type FormatError = (problem: string, cause?: unknown) => ArchiveFormatError;

async function fromZip(file: ZipFile, spool: Spool, formatError: FormatError): Promise<ArchiveEntry> {
  const unixMode = UNIX_HOSTS.has(file.versionMadeBy >> 8) ? file.externalFileAttributes >>> 16 : 0;
  const looksLikeDirectory = file.path.endsWith('/') || (file.externalFileAttributes & MSDOS_DIRECTORY) !== 0;
  const [type, kind] =
    FILE_TYPES.get(unixMode & 0o170000) ??
    (looksLikeDirectory ? ['directory', 'Directory'] : ['file', 'File']);
  const mode = (unixMode & 0o7777) !== 0 ? unixMode & 0o7777 : type === 'directory' ? 0o755 : 0o644;
  const content = (): AsyncIterable<Buffer> => checkedData(file, spool, formatError);
  let linkTarget: string | undefined;
  if (type === 'symlink') {
    // A zip stores a symlink's target as the member's data.
    const chunks: Buffer[] = [];
    let length = 0;
    for await (const chunk of content()) {
      length += chunk.length;
      if (length > MAX_LINK_TARGET) throw formatError(`the symlink ${quotePath(file.path)} is too long`);
      chunks.push(chunk);
    }
    linkTarget = Buffer.concat(chunks).toString('utf8');
  }
  return { path: file.path, type, kind, mode, linkTarget, content };
}

/** The member's inflated data, failing at the end if it does not match the directory's CRC-32 and size. */
async function* checkedData(file: ZipFile, spool: Spool, formatError: FormatError): AsyncGenerator<Buffer> {
  let crc = 0;
  let size = 0;
  const released = deadBufferReleaser();
  try {
    for await (const chunk of await memberData(file, spool, formatError)) {
      crc = zlib.crc32(chunk, crc);
      size += chunk.length;
      released(chunk.length);
      yield chunk;
    }
  } catch (error) {
    if (error instanceof BuildpackError) throw error;
    throw formatError(`the member ${quotePath(file.path)} cannot be inflated (${messageOf(error)})`, error);
  }
  if (size !== file.uncompressedSize || crc >>> 0 !== file.crc32 >>> 0) {
    throw formatError(`the member ${quotePath(file.path)} is corrupt (its CRC-32 or size does not match)`);
  }
}

/**
 * The member's data, read straight from the spooled file: its local header gives where the data starts (the
 * name and extra field there may differ in length from the central directory's), and the central directory
 * gives how many bytes it has. One read stream and one inflater per member, in large chunks; unzipper's own
 * member stream copies every chunk into a growing buffer and inflates in 16 KiB steps.
 */
async function memberData(
  file: ZipFile,
  spool: Spool,
  formatError: FormatError,
): Promise<AsyncIterable<Buffer>> {
  const offset = file.offsetToLocalFileHeader;
  const header = await spool.header(offset);
  if (header.length < LOCAL_HEADER_SIZE || header.readUInt32LE(0) !== LOCAL_HEADER_SIGNATURE) {
    throw formatError(
      `the member ${quotePath(file.path)} has no local header where the central directory says`,
    );
  }
  const start = offset + LOCAL_HEADER_SIZE + header.readUInt16LE(26) + header.readUInt16LE(28);
  if (start + file.compressedSize > spool.size) {
    throw formatError(`the member ${quotePath(file.path)} runs past the end of the file`);
  }
  if (file.compressedSize === 0) return Readable.from([]);
  const stored = spool.read(start, start + file.compressedSize - 1, READ_CHUNK_BYTES);
  if (file.compressionMethod === STORED) return stored;
  // pipeline destroys both sides when either fails or the consumer stops early.
  return pipe(stored, zlib.createInflateRaw({ chunkSize: ZLIB_OUTPUT_CHUNK_BYTES }), () => undefined);
}
