import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { BuildpackError } from '../errors.js';
import { ArchiveFormatError, messageOf } from './archive-errors.js';
import {
  bareFileName,
  detectOuterFormat,
  FORMAT_HEAD_SIZE,
  looksLikeTar,
  promisedFormat,
  type Compression,
} from './asset-format.js';
import { chunkIterator } from './chunk-iterator.js';
import { decompress } from './decompress.js';
import { describeContent } from './describe-content.js';
import { EntryWriter } from './entry-writer.js';
import { flowingChunks } from './flowing-chunks.js';
import { readStreamHead } from './stream-head.js';
import { readTar } from './tar-reader.js';

export interface UnpackLimits {
  readonly maxBytes: number;
  readonly maxEntries: number;
}

export interface UnpackOptions {
  /** Absolute path of a fresh, empty directory that stands for the layer root while staging this asset. */
  readonly root: string;
  /** Name of the release asset (used for format hints and the default raw destination). */
  readonly assetName: string;
  /** Relative path inside the layer (already validated to be relative and not climb out); undefined = default. */
  readonly destination: string | undefined;
  readonly stripComponents: number;
  /** Globs (picomatch) of archive member paths to keep, matched after strip_components; undefined keeps all. */
  readonly include: readonly string[] | undefined;
  readonly limits: UnpackLimits;
  /** A directory for temporary files (a zip needs its central directory, so it is spooled to one file here). */
  readonly tempDir: string;
}

export type AssetFormat =
  'tar' | 'tar.gz' | 'tar.xz' | 'tar.bz2' | 'tar.zst' | 'zip' | 'gz' | 'xz' | 'bz2' | 'zst' | 'raw';

export interface UnpackResult {
  readonly format: AssetFormat;
  /** Paths written, relative to root, POSIX separators, sorted (regular files, symlinks; not directories). */
  readonly files: readonly string[];
  /** Uncompressed bytes written. */
  readonly bytes: number;
}

const WEB_PAGE_NAME = /\.x?html?$/i;

const COMPRESSION_NAMES: Record<Compression, string> = { gz: 'gzip', xz: 'xz', bz2: 'bzip2', zst: 'zstd' };

/**
 * Unpacks a release asset into `options.root` as it streams in, telling its format from its first bytes:
 * an archive (tar, optionally compressed, or zip) is unpacked into the destination directory; a bare
 * compressed file or any other content is written as one executable file. The whole body is read (so a hash
 * computed upstream sees every byte) and memory does not grow with the asset's size.
 *
 * Rejects with UnsafeArchiveError, ArchiveLimitError or ArchiveFormatError; an error of `body` itself (a reset
 * socket, a truncated download) is rethrown as the same object, so the caller can decide to retry. After a
 * rejection the contents of `root` are undefined and the caller should discard it.
 */
export async function unpackAsset(
  body: NodeJS.ReadableStream | Readable,
  options: UnpackOptions,
): Promise<UnpackResult> {
  const input = body instanceof Readable ? body : new Readable().wrap(body);
  const tracked = trackInput(input);
  try {
    const { format, writer } = await unpackStream(tracked.chunks, options);
    return { format, files: writer.files, bytes: writer.bytes };
  } catch (error) {
    // The input's own failure wins over whatever it caused downstream, unchanged, for retry classification.
    if (tracked.failure !== undefined) throw tracked.failure.error;
    throw error;
  } finally {
    if (!input.closed) {
      // Release the socket (or file) now rather than when the garbage collector gets to it.
      input.destroy();
      await finished(input).catch(() => undefined);
    }
  }
}

async function unpackStream(
  source: AsyncIterable<Buffer>,
  options: UnpackOptions,
): Promise<{ format: AssetFormat; writer: EntryWriter }> {
  const outer = await readStreamHead(source, FORMAT_HEAD_SIZE);
  const detected = detectOuterFormat(outer.head, options.assetName);
  switch (detected) {
    case 'raw': {
      refuseUnlessPlainFile(outer.head, options.assetName);
      const writer = createWriter(options, 'raw');
      await writer.writeSingleFile(options.destination ?? `bin/${options.assetName}`, outer.stream);
      return { format: 'raw', writer };
    }
    case 'tar': {
      const writer = createWriter(options, 'tar');
      await readTar(outer.stream, writer, { assetName: options.assetName, format: 'tar' });
      return { format: 'tar', writer };
    }
    case 'zip': {
      const writer = createWriter(options, 'zip');
      // unzipper is a large module that only zip assets need.
      const { readZip } = await import('./zip-reader.js');
      await readZip(outer.stream, writer, options);
      return { format: 'zip', writer };
    }
    default:
      return unpackCompressed(outer.stream, detected, options);
  }
}

async function unpackCompressed(
  source: AsyncIterable<Buffer>,
  compression: Compression,
  options: UnpackOptions,
): Promise<{ format: AssetFormat; writer: EntryWriter }> {
  const decoded = decodingFailuresAsFormatErrors(
    decompress(source, compression),
    options.assetName,
    compression,
  );
  const inner = await readStreamHead(decoded, FORMAT_HEAD_SIZE);
  if (looksLikeTar(inner.head, options.assetName)) {
    const format: AssetFormat = `tar.${compression}`;
    const writer = createWriter(options, format);
    await readTar(inner.stream, writer, { assetName: options.assetName, format });
    return { format, writer };
  }
  const promised = promisedFormat(options.assetName);
  if (promised?.tar === true) {
    const found = describeContent(inner.head);
    throw new ArchiveFormatError(
      options.assetName,
      promised.name,
      found.kind === 'empty'
        ? `its ${COMPRESSION_NAMES[compression]} data is empty`
        : `its ${COMPRESSION_NAMES[compression]} data holds ${found.what}, not a tar archive`,
      { found },
    );
  }
  const writer = createWriter(options, compression);
  await writer.writeSingleFile(options.destination ?? `bin/${bareFileName(options.assetName)}`, inner.stream);
  return { format: compression, writer };
}

/**
 * Refuses content that is not an archive or compressed file although its name promises one (an empty file,
 * an error page), as GNU tar does; and a web page under any name but a web page's, which is never the
 * program a release asset stands for.
 */
function refuseUnlessPlainFile(head: Buffer, assetName: string): void {
  const promised = promisedFormat(assetName);
  const found = describeContent(head);
  if (promised !== undefined || (found.kind === 'web page' && !WEB_PAGE_NAME.test(assetName))) {
    throw new ArchiveFormatError(assetName, promised?.name ?? 'file', found.description, { found });
  }
}

function createWriter(options: UnpackOptions, format: AssetFormat): EntryWriter {
  const destination = (options.destination ?? '').split('/').filter((part) => part !== '' && part !== '.');
  return new EntryWriter({
    root: options.root,
    assetName: options.assetName,
    limits: options.limits,
    rules: {
      destination,
      stripComponents: options.stripComponents,
      include: options.include,
      windowsNames: format === 'zip',
    },
  });
}

/**
 * The asset's bytes held while the stages after it are busy before the input is paused. With none, every
 * chunk paused the input and the streams behind it (the download's sha256 tap, the response body) and
 * resumed them through their 'drain' events once it was taken; one chunk's worth lets most chunks through
 * without that round trip (a 138 MB tar.zst read from a file, 16 runs each: the main thread's CPU 9 ms less on
 * average).
 */
const INPUT_READ_AHEAD_BYTES = 64 * 1024;

/** The input's chunks, remembering the input's own failure so it can be told from what it caused. */
function trackInput(input: Readable): {
  chunks: AsyncIterable<Buffer>;
  failure: { error: unknown } | undefined;
} {
  const tracked: { chunks: AsyncIterable<Buffer>; failure: { error: unknown } | undefined } = {
    chunks: readInput(),
    failure: undefined,
  };
  async function* readInput(): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of flowingChunks(input, { readAheadBytes: INPUT_READ_AHEAD_BYTES }))
        yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    } catch (error) {
      tracked.failure ??= { error };
      throw error;
    }
  }
  return tracked;
}

/**
 * A decompressor's own errors (corrupt or truncated data) become ArchiveFormatError; others pass unchanged.
 * A chunkIterator over the decoder's: every decoded chunk passes here.
 */
function decodingFailuresAsFormatErrors(
  decoded: AsyncIterable<Buffer>,
  assetName: string,
  compression: Compression,
): AsyncIterable<Buffer> {
  const iterator = decoded[Symbol.asyncIterator]();
  const asFormatError = (error: unknown): never => {
    // The input's own failure passes too (unpackAsset rethrows it unchanged anyway).
    if (error instanceof BuildpackError) throw error;
    const problem = `the ${COMPRESSION_NAMES[compression]} data is truncated or corrupt (${messageOf(error)})`;
    throw new ArchiveFormatError(assetName, COMPRESSION_NAMES[compression], problem, { cause: error });
  };
  return chunkIterator(
    () => iterator.next().catch(asFormatError),
    async () => iterator.return?.(),
  );
}
