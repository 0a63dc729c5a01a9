import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { ArchiveEntry } from './archive-entry.js';
import { ArchiveLimitError, isWriteFailure, LayerWriteError, UnsafeArchiveError } from './archive-errors.js';
import {
  includeMatcher,
  placeMember,
  unsafeSymlinkTargetReason,
  type MemberPathRules,
} from './member-path.js';
import { lstatIfExists } from './lstat-if-exists.js';

/**
 * Bytes gathered before a write. Each write is a round trip to libuv's thread pool (a wake-up on each side),
 * and on 2 busy cores those round trips cost more than the copying: 1 MiB instead of 256 KiB made a tar.zst
 * build about 30 ms faster, for 1-5 MB more peak RSS (BENCHMARKS.md, issue 13's tenth pass).
 */
const WRITE_BATCH_BYTES = 1024 * 1024;

export interface EntryWriterOptions {
  /** Absolute path of the (fresh) directory standing for the layer root. */
  readonly root: string;
  readonly assetName: string;
  readonly limits: { readonly maxBytes: number; readonly maxEntries: number };
  /** How archive members map to paths; unused for single files. */
  readonly rules: MemberPathRules;
}

// O_EXCL never follows a link at the final component and O_NOFOLLOW says so twice: a second line of defence
// behind the lstat checks, should a link appear where the checks saw none.
const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
/** Every directory is traversable and readable by any user, writable only by its owner. */
const DIRECTORY_MODE = 0o755;

/**
 * The mode a file is installed with. The exporter makes the build user the owner, and the run image's user
 * is often another one, so the owner's bits alone would leave a 0700 tool unusable at run time: group and
 * others get read, and execute wherever the owner has it. Nothing is group- or world-writable, and
 * setuid, setgid and sticky are dropped.
 */
export function installedFileMode(archiveMode: number): number {
  const owner = (archiveMode & 0o700) | 0o400;
  return owner | 0o044 | ((owner & 0o100) === 0 ? 0 : 0o011);
}

/**
 * The one place archive members and single files are written to disk, so every guard exists once: member
 * paths are checked and mapped, no write goes through a link (checked on disk, so links planted by an earlier
 * asset count too), link targets stay inside the root, odd member types are refused, and the byte and entry
 * limits are enforced while the data streams.
 */
export class EntryWriter {
  private readonly options: EntryWriterOptions;
  private readonly matchInclude: (path: string) => boolean;
  private readonly written = new Set<string>();
  /** Regular files this archive wrote, the only valid hardlink targets. */
  private readonly regularFiles = new Set<string>();
  private entries = 0;
  private byteCount = 0;

  constructor(options: EntryWriterOptions) {
    this.options = options;
    this.matchInclude = includeMatcher(options.rules.include);
  }

  /** Root-relative POSIX paths written so far (files and links, not directories), sorted. */
  get files(): readonly string[] {
    return [...this.written].sort();
  }

  /** Uncompressed bytes written so far. */
  get bytes(): number {
    return this.byteCount;
  }

  /** Checks one archive member and writes it (or skips it, per strip_components and include). */
  async writeMember(entry: ArchiveEntry): Promise<void> {
    try {
      await this.checkAndWriteMember(entry);
    } catch (error) {
      throw this.writeFailure(entry.path, error);
    }
  }

  private async checkAndWriteMember(entry: ArchiveEntry): Promise<void> {
    this.entries += 1;
    if (this.entries > this.options.limits.maxEntries) {
      throw new ArchiveLimitError(this.options.assetName, 'entries', this.options.limits.maxEntries);
    }
    const placement = placeMember(entry.path, this.options.rules, this.matchInclude);
    if (placement.kind === 'unsafe') throw this.unsafe(entry.path, placement.reason);
    // Odd types are refused even when filtered out: nothing a release asset needs looks like this.
    if (entry.type === 'unsupported') {
      throw new UnsafeArchiveError(
        this.options.assetName,
        entry.path,
        `is a ${entry.kind} entry; only files, directories and links are installed`,
        {
          advice:
            'Such entries are refused even where include or strip_components would leave them out: use ' +
            'another asset of the release, or ask its publisher to archive only files, directories and links' +
            `${/sparse/i.test(entry.kind) ? ' (tar without --sparse)' : ''}.`,
        },
      );
    }
    if (placement.kind === 'skip') return;
    const segments = placement.segments;
    switch (entry.type) {
      case 'directory':
        // The archive's directory mode is not kept: the owner needs rwx to write later members (and later
        // assets) into it, and every run user needs to traverse it.
        return this.makeDirectory(entry.path, segments);
      case 'file':
        return this.writeFile(entry.path, segments, installedFileMode(entry.mode), entry.content());
      case 'symlink':
        return this.writeSymlink(entry.path, segments, entry.linkTarget ?? '');
      case 'hardlink':
        return this.writeHardlink(entry.path, segments, entry.linkTarget ?? '');
    }
  }

  /** Writes one file at a root-relative path (a raw or bare compressed asset), mode 0755. */
  async writeSingleFile(relativePath: string, content: AsyncIterable<Buffer>): Promise<void> {
    const segments = relativePath.split('/').filter((segment) => segment !== '' && segment !== '.');
    if (segments.length === 0 || segments.includes('..') || relativePath.includes('\0')) {
      throw this.unsafe(relativePath, 'is not a usable file path inside the layer');
    }
    try {
      await this.writeFile(relativePath, segments, 0o755, content);
    } catch (error) {
      throw this.writeFailure(relativePath, error);
    }
  }

  private async writeFile(
    name: string,
    segments: readonly string[],
    mode: number,
    content: AsyncIterable<Buffer>,
  ): Promise<void> {
    const target = await this.prepareTarget(name, segments, 'file');
    const handle = await fs.open(target, CREATE_FLAGS, 0o600);
    // Chunks are gathered into batches and one batch is written while the next is decompressed, so the
    // disk and the decompressor overlap instead of taking turns on every small chunk.
    const batch: Buffer[] = [];
    let batchBytes = 0;
    let writing: Promise<unknown> = Promise.resolve();
    const flush = (): void => {
      writing = writeFully(handle, batch.splice(0));
      batchBytes = 0;
      // Handled here so a failed write waits for the next await instead of crashing the process.
      writing.catch(() => undefined);
    };
    try {
      for await (const chunk of content) {
        this.byteCount += chunk.length;
        if (this.byteCount > this.options.limits.maxBytes) {
          throw new ArchiveLimitError(this.options.assetName, 'bytes', this.options.limits.maxBytes);
        }
        batch.push(chunk);
        batchBytes += chunk.length;
        if (batchBytes >= WRITE_BATCH_BYTES) {
          await writing;
          flush();
        }
      }
      await writing;
      if (batch.length > 0) flush();
      await writing;
      // chmod, not the open mode, so the umask does not take bits the archive asked for.
      await handle.chmod(mode);
    } finally {
      await writing.catch(() => undefined);
      await handle.close();
    }
    this.record(segments, true);
  }

  private async writeSymlink(name: string, segments: readonly string[], target: string): Promise<void> {
    const reason = unsafeSymlinkTargetReason(segments, target);
    if (reason !== undefined) throw this.unsafe(name, reason);
    await fs.symlink(target, await this.prepareTarget(name, segments, 'symlink'));
    this.record(segments, false);
  }

  private async writeHardlink(name: string, segments: readonly string[], target: string): Promise<void> {
    const placement = placeMember(target, this.options.rules, () => true);
    if (placement.kind === 'unsafe')
      throw this.unsafe(name, `is a hard link whose target ${placement.reason}`);
    const targetKey = placement.kind === 'place' ? placement.segments.join('/') : undefined;
    if (targetKey === undefined || !this.regularFiles.has(targetKey)) {
      throw this.unsafe(
        name,
        `is a hard link to ${JSON.stringify(target)}, which is not a file this archive has unpacked ` +
          '(if include or strip_components left that file out, keep it too)',
      );
    }
    const source = path.join(this.options.root, ...targetKey.split('/'));
    const existing = await lstatIfExists(source);
    if (existing === undefined || !existing.isFile()) {
      throw this.unsafe(
        name,
        `is a hard link to ${JSON.stringify(target)}, which is no longer a regular file`,
      );
    }
    await fs.link(source, await this.prepareTarget(name, segments, 'hardlink'));
    this.record(segments, true);
  }

  private async makeDirectory(name: string, segments: readonly string[]): Promise<void> {
    const directory = await this.ensureParents(name, segments);
    const target = path.join(directory, segments.at(-1) ?? '');
    const existing = await lstatIfExists(target);
    if (existing === undefined) {
      await makeTraversableDirectory(target);
    } else if (existing.isSymbolicLink()) {
      throw this.unsafe(name, `would be written through the symlink ${JSON.stringify(segments.join('/'))}`);
    } else if (!existing.isDirectory()) {
      throw this.unsafe(name, 'is a directory where an earlier entry wrote a file');
    }
  }

  /** Makes the parents of a new file or link and clears its place; returns the absolute path to create. */
  private async prepareTarget(name: string, segments: readonly string[], kind: string): Promise<string> {
    const directory = await this.ensureParents(name, segments);
    const target = path.join(directory, segments.at(-1) ?? '');
    const existing = await lstatIfExists(target);
    if (existing === undefined) return target;
    if (existing.isSymbolicLink()) {
      throw this.unsafe(name, `would replace the symlink ${JSON.stringify(segments.join('/'))}`);
    }
    if (existing.isDirectory()) throw this.unsafe(name, `is a ${kind} where there already is a directory`);
    // A later member of the same path wins, as with tar; only a file can be in the way here.
    await fs.unlink(target);
    return target;
  }

  /** Creates the parent directories one by one, refusing any that is (on disk) a symlink or a file. */
  private async ensureParents(name: string, segments: readonly string[]): Promise<string> {
    let directory = this.options.root;
    for (let index = 0; index < segments.length - 1; index++) {
      directory = path.join(directory, segments[index] ?? '');
      const existing = await lstatIfExists(directory);
      if (existing === undefined) {
        await makeTraversableDirectory(directory);
      } else if (existing.isSymbolicLink()) {
        const link = segments.slice(0, index + 1).join('/');
        throw this.unsafe(name, `would be written through the symlink ${JSON.stringify(link)}`);
      } else if (!existing.isDirectory()) {
        const file = segments.slice(0, index + 1).join('/');
        throw this.unsafe(name, `needs ${JSON.stringify(file)} to be a directory, but it is a file`);
      }
    }
    return directory;
  }

  private record(segments: readonly string[], regularFile: boolean): void {
    const key = segments.join('/');
    this.written.add(key);
    if (regularFile) this.regularFiles.add(key);
    else this.regularFiles.delete(key);
  }

  private unsafe(entry: string, reason: string): UnsafeArchiveError {
    return new UnsafeArchiveError(this.options.assetName, entry, reason);
  }

  /** A file system refusal (full, read-only, name too long) in words; anything else unchanged. */
  private writeFailure(entry: string, error: unknown): unknown {
    return isWriteFailure(error) ? new LayerWriteError(this.options.assetName, entry, error) : error;
  }
}

/** mkdir, then chmod: the mode given to mkdir passes through the umask, which may be 077. */
export async function makeTraversableDirectory(directory: string): Promise<void> {
  await fs.mkdir(directory);
  await fs.chmod(directory, DIRECTORY_MODE);
}

/**
 * Writes every byte of `buffers` at the file's position. A write may take fewer bytes than it was given, with
 * no error: a file system with less room than a batch takes what fits and says ENOSPC only on the next write.
 */
async function writeFully(handle: FileHandle, buffers: Buffer[]): Promise<void> {
  let rest = buffers;
  while (rest.length > 0) {
    const { bytesWritten } = await handle.writev(rest);
    if (bytesWritten === 0) throw Object.assign(new Error('a write took no bytes'), { code: 'EIO' });
    rest = withoutFirstBytes(rest, bytesWritten);
  }
}

/** `buffers` without their first `count` bytes (views, not copies). */
function withoutFirstBytes(buffers: readonly Buffer[], count: number): Buffer[] {
  let skip = count;
  const rest: Buffer[] = [];
  for (const buffer of buffers) {
    if (skip >= buffer.length) {
      skip -= buffer.length;
      continue;
    }
    rest.push(skip > 0 ? buffer.subarray(skip) : buffer);
    skip = 0;
  }
  return rest;
}
