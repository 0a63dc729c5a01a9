import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import unzipper from 'unzipper';
import { BuildpackError } from '../errors.js';
import type { ArchiveEntry, ArchiveEntryType } from './archive-entry.js';
import { ArchiveFormatError, messageOf, quotePath } from './archive-errors.js';
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
  const formatError = (problem: string, cause?: unknown): ArchiveFormatError =>
    new ArchiveFormatError(options.assetName, 'zip', problem, cause === undefined ? undefined : { cause });
  try {
    await pipeline(
      Readable.from(source, { objectMode: false }),
      createWriteStream(spoolPath, { flags: 'wx' }),
    );
    const spoolSize = (await fs.stat(spoolPath)).size;
    const directory = await unzipper.Open.custom({
      size: () => Promise.resolve(spoolSize),
      stream: (offset: number, length?: number) => {
        // unzipper leaves some of these unread; they are all closed below, success or not.
        const stream = createReadStream(spoolPath, {
          start: offset,
          ...(length === undefined ? {} : { end: offset + length }),
        });
        openStreams.add(stream);
        stream.once('close', () => openStreams.delete(stream));
        return stream;
      },
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
      await writer.writeMember(await fromZip(file, formatError));
    }
  } finally {
    await Promise.all(
      [...openStreams].map(async (stream) => {
        stream.destroy();
        await finished(stream).catch(() => undefined);
      }),
    );
    await fs.rm(spoolDirectory, { recursive: true, force: true });
  }
}

async function fromZip(
  file: ZipFile,
  formatError: (problem: string, cause?: unknown) => ArchiveFormatError,
): Promise<ArchiveEntry> {
  const unixMode = UNIX_HOSTS.has(file.versionMadeBy >> 8) ? file.externalFileAttributes >>> 16 : 0;
  const looksLikeDirectory = file.path.endsWith('/') || (file.externalFileAttributes & MSDOS_DIRECTORY) !== 0;
  const [type, kind] =
    FILE_TYPES.get(unixMode & 0o170000) ??
    (looksLikeDirectory ? ['directory', 'Directory'] : ['file', 'File']);
  const mode = (unixMode & 0o7777) !== 0 ? unixMode & 0o7777 : type === 'directory' ? 0o755 : 0o644;
  const content = (): AsyncIterable<Buffer> => checkedData(file, formatError);
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
async function* checkedData(
  file: ZipFile,
  formatError: (problem: string, cause?: unknown) => ArchiveFormatError,
): AsyncGenerator<Buffer> {
  let crc = 0;
  let size = 0;
  try {
    for await (const chunk of file.stream() as AsyncIterable<Buffer>) {
      crc = zlib.crc32(chunk, crc);
      size += chunk.length;
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
