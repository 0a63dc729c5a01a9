import { BuildpackError } from '../errors.js';

/**
 * The errors of unpacking and installing an asset, one class per thing a caller (or a user) handles
 * differently: bytes that cannot be read as what they claim to be (ArchiveFormatError), a limit that a
 * variable raises (ArchiveLimitError), a member refused for safety or because it collides with another asset
 * (UnsafeArchiveError), and the layer's file system refusing a write (LayerWriteError).
 */

/** The message of any thrown value, for embedding a library's reason in ours. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Longer member paths are shortened in messages: a 4 KB name would drown the reason. */
const SHOWN_PATH_LENGTH = 160;

/** A member path as quoted in messages: JSON-quoted (control characters visible), long ones shortened. */
export function quotePath(memberPath: string): string {
  if (memberPath.length <= SHOWN_PATH_LENGTH) return JSON.stringify(memberPath);
  const shown = `${memberPath.slice(0, SHOWN_PATH_LENGTH / 2)}…${memberPath.slice(-SHOWN_PATH_LENGTH / 2)}`;
  return `${JSON.stringify(shown)} (${Buffer.byteLength(memberPath)} bytes long)`;
}

/** An asset name as quoted in messages; an empty name (a caller that did not say) reads "an asset". */
function quoteAsset(assetName: string): string {
  return assetName === '' ? 'an asset' : JSON.stringify(assetName);
}

/** What an asset's bytes turned out to be, when they are not the archive its name promises. */
export interface FoundContent {
  readonly kind: 'empty' | 'web page' | 'other';
  /** What the bytes are, as a noun: "a web page (HTML)", "an ELF executable", "nothing (0 bytes)"... */
  readonly what: string;
  /** The same as a clause for a message: "the server answered with a web page (HTML) instead of the file". */
  readonly description: string;
  /** Why that happens and what to do, fitting what was found. */
  readonly advice: string;
}

/**
 * The asset is corrupt, truncated or uses a feature we cannot unpack; or (with `found`) its bytes are not
 * the archive its name promises at all: empty, a web page, a bare binary.
 */
export class ArchiveFormatError extends BuildpackError {
  override name = 'ArchiveFormatError';
  readonly assetName: string;
  /** The format the asset was read as ('tar.gz', 'zip', ...), or the one its name promises ('file' for none). */
  readonly format: string;
  /** What the bytes are instead ("a web page (HTML)"), when they are not an archive at all; else undefined. */
  readonly found: string | undefined;

  constructor(
    assetName: string,
    format: string,
    problem: string,
    options?: { cause?: unknown; found?: FoundContent },
  ) {
    const found = options?.found;
    super(
      found === undefined
        ? `Could not unpack ${JSON.stringify(assetName)} as ${format}: ${problem}. The download may be corrupt or ` +
            'truncated (a retry of the build may help), or the asset is not what this entry expects: check the ' +
            'asset name in the configuration and the release page.'
        : `Refusing to install ${JSON.stringify(assetName)}: ${format === 'file' ? 'expected the file itself' : `its name says ${format}`}, but ${problem}. ` +
            `Nothing from this asset was installed. ${found.advice}`,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.assetName = assetName;
    this.format = format;
    this.found = found?.what;
  }
}

/** Which unpacking limit was exceeded, and the variable that raises it. */
export type ArchiveLimit = 'bytes' | 'entries';

const LIMIT_VARIABLE: Record<ArchiveLimit, string> = {
  bytes: 'BP_GITHUB_ASSETS_MAX_BYTES',
  entries: 'BP_GITHUB_ASSETS_MAX_ENTRIES',
};

/** The asset unpacks to more bytes or entries than allowed (a decompression bomb, or a limit set too low). */
export class ArchiveLimitError extends BuildpackError {
  override name = 'ArchiveLimitError';
  readonly assetName: string;
  readonly limit: ArchiveLimit;
  /** The limit in force (bytes or entries). */
  readonly value: number;
  /** The environment variable that raises the limit. */
  readonly variable: string;

  constructor(assetName: string, limit: ArchiveLimit, value: number) {
    const variable = LIMIT_VARIABLE[limit];
    const what = limit === 'bytes' ? `${value} bytes when unpacked` : `${value} entries`;
    super(
      `Stopped unpacking ${JSON.stringify(assetName)}: it holds more than ${what}, the limit. ` +
        `If the asset really is that large, raise the limit by setting ${variable} (for example ` +
        `${variable}=${value * 4}) in the build environment; otherwise it may be a decompression bomb.`,
    );
    this.assetName = assetName;
    this.limit = limit;
    this.value = value;
    this.variable = variable;
  }
}

/** Where a refusal happened: reading the asset's own members, or moving them into the shared layer. */
export type RefusalStage = 'unpack' | 'install';

const DEFAULT_ADVICE =
  'If you trust this archive, use an asset of the release without such entries, or narrow what is ' +
  'unpacked with strip_components and include.';

/**
 * A member that would land outside the layer, write through a link, is of a kind we refuse, or (stage
 * 'install') collides with what another asset of the same layer installed.
 */
export class UnsafeArchiveError extends BuildpackError {
  override name = 'UnsafeArchiveError';
  readonly assetName: string;
  /** The member path as the archive names it (for stage 'install': the path inside the layer). */
  readonly entry: string;
  readonly reason: string;
  readonly stage: RefusalStage;

  constructor(
    assetName: string,
    entry: string,
    reason: string,
    options?: { stage?: RefusalStage; advice?: string },
  ) {
    const stage = options?.stage ?? 'unpack';
    super(
      `Refusing to ${stage} ${quoteAsset(assetName)}: its ${stage === 'unpack' ? 'entry' : 'path'} ` +
        `${quotePath(entry)} ${reason}. Nothing from this asset was installed. ${options?.advice ?? DEFAULT_ADVICE}`,
    );
    this.assetName = assetName;
    this.entry = entry;
    this.reason = reason;
    this.stage = stage;
  }
}

const WRITE_FAILURES: Readonly<Record<string, string>> = {
  ENOSPC:
    'the file system is full (ENOSPC). Free space where the layers directory lives, or give the build more disk',
  EDQUOT: 'the disk quota is used up (EDQUOT). Free space, or raise the quota of the build user',
  EROFS: 'the layers directory is read-only (EROFS). The platform must mount it writable for the build',
  EACCES: 'permission was denied (EACCES). The build user must own the layers directory',
  EPERM: 'the operation is not permitted (EPERM). The build user must own the layers directory',
  EMLINK:
    'a file has more hard links than the file system allows (EMLINK). Use an asset without so many links',
  EFBIG: 'a file is larger than the file system allows (EFBIG)',
  EIO: 'the disk reported an input/output error (EIO). Check the disk or volume the layers directory lives on',
  ENAMETOOLONG:
    'its path is longer than the file system allows (ENAMETOOLONG). Shorten it with strip_components or a shorter destination',
};

/** The errno codes that say the layer could not be written, as opposed to a bug. */
export function isWriteFailure(error: unknown): error is NodeJS.ErrnoException {
  if (error instanceof BuildpackError) return false;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code !== undefined && code in WRITE_FAILURES;
}

/**
 * The layer's file system refused a write (full, read-only, a name too long). The message names the asset
 * and member but never the staging path, which is long and means nothing to the user.
 */
export class LayerWriteError extends BuildpackError {
  override name = 'LayerWriteError';
  readonly assetName: string;
  /** The member (or file) being written; '' for the layer directory itself. */
  readonly entry: string;
  /** The errno code: 'ENOSPC', 'EROFS', ... */
  readonly code: string;

  constructor(assetName: string, entry: string, error: NodeJS.ErrnoException) {
    const code = error.code ?? 'EIO';
    super(
      `${entry === '' ? `Could not create the layer directory for ${quoteAsset(assetName)}` : `Could not write ${quotePath(entry)} of ${quoteAsset(assetName)} into the layer`}: ` +
        `${WRITE_FAILURES[code] ?? code}.`,
      { cause: error },
    );
    this.assetName = assetName;
    this.entry = entry;
    this.code = code;
  }
}
