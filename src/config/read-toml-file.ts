import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import TOML from '@iarna/toml';
import { ConfigError } from './config-error.js';
import { hideTokens } from './describe-value.js';
import { CONFIG_PATH_VARIABLE, type ConfigFileLocation } from './locate-config-file.js';
import type { TomlTable } from './toml-table.js';

/** What @iarna/toml attaches to its syntax errors; line and col count from 0. */
interface TomlSyntaxError {
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

/**
 * Reads and parses the configuration file. Returns undefined when project.toml does not exist (the app
 * simply does not use this buildpack); a file named by GITHUB_ASSETS_PATH must exist.
 */
export async function readTomlFile(location: ConfigFileLocation): Promise<TomlTable | undefined> {
  const bytes = await readConfigBytes(location);
  if (bytes === undefined) return undefined;
  let text: string;
  try {
    // fatal: a file in another encoding would otherwise parse into silently mangled names.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new ConfigError(`${location.file} is not UTF-8 text. Save it as UTF-8.`, { cause: error });
  }
  try {
    return TOML.parse(text);
  } catch (error) {
    throw new ConfigError(describeSyntaxError(location.file, error), { cause: error });
  }
}

/**
 * The largest configuration file read. Real ones are a few kilobytes and 10,000 entries fit in about 1 MB;
 * the cap keeps a link to /dev/zero or a runaway generator from filling memory.
 */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

// O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever (it is refused below).
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

async function readConfigBytes(location: ConfigFileLocation): Promise<Uint8Array | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(location.absolutePath, OPEN_FLAGS);
  } catch (error) {
    return missingOrUnreadable(location, error);
  }
  try {
    // fstat on the open file, so what is checked is what is read (a path could be swapped in between).
    const stats = await handle.stat();
    if (stats.isDirectory()) {
      throw new ConfigError(`${location.file} is a directory, not a file. ${fixFor(location)}`);
    }
    if (!stats.isFile()) {
      throw new ConfigError(
        `${location.file} is not a regular file (it is ${describeKind(stats)}); only a regular file is read ` +
          `as configuration. ${fixFor(location)}`,
      );
    }
    if (stats.size > MAX_CONFIG_BYTES) throw tooLarge(location);
    return await readCapped(handle, location);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    return missingOrUnreadable(location, error);
  } finally {
    await handle.close();
  }
}

/** Reads to the end, but never more than the cap: a file may grow after its size was checked. */
async function readCapped(handle: FileHandle, location: ConfigFileLocation): Promise<Uint8Array> {
  const buffer = Buffer.allocUnsafe(MAX_CONFIG_BYTES + 1);
  let length = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
    if (bytesRead === 0) break;
    length += bytesRead;
    if (length > MAX_CONFIG_BYTES) throw tooLarge(location);
  }
  return buffer.subarray(0, length);
}

function tooLarge(location: ConfigFileLocation): ConfigError {
  return new ConfigError(
    `${location.file} is larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MiB, the limit for a configuration ` +
      `file; a real one is a few kilobytes. ${fixFor(location)}`,
  );
}

function describeKind(stats: {
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSocket(): boolean;
}): string {
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a file';
}

function missingOrUnreadable(location: ConfigFileLocation, error: unknown): undefined {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    if (!location.fromVariable) return undefined;
    throw new ConfigError(
      `${CONFIG_PATH_VARIABLE} names ${hideTokens(location.file)}, but there is no such file in the app dir. ` +
        `Create it, or correct or unset ${CONFIG_PATH_VARIABLE}.`,
      { cause: error },
    );
  }
  if (code === 'EISDIR') {
    throw new ConfigError(`${location.file} is a directory, not a file. ${fixFor(location)}`, {
      cause: error,
    });
  }
  const reason = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (code ?? String(error));
  throw new ConfigError(
    `${location.file} cannot be read (${reason}). Make it a readable file. ${fixFor(location)}`,
    { cause: error },
  );
}

function fixFor(location: ConfigFileLocation): string {
  return location.fromVariable
    ? `Point ${CONFIG_PATH_VARIABLE} at a TOML file.`
    : `Replace it with a TOML file, or set ${CONFIG_PATH_VARIABLE} to the file that holds [[metadata.githubassets]].`;
}

function describeSyntaxError(file: string, error: unknown): string {
  if (!isTomlSyntaxError(error)) {
    const reason = error instanceof Error ? error.message : 'the parser failed';
    return `${file} is not valid TOML (${reason}). Check it with a TOML validator.`;
  }
  // The parser appends " at row R, col C, pos P:" and a code frame; the frame can show secrets
  // (a token in [[build.env]]), so keep only the reason.
  const reason = error.message.split(/ at row \d+/)[0]?.trim() ?? 'syntax error';
  return (
    `${file}: line ${error.line + 1}, column ${error.col + 1}: the file is not valid TOML: ${reason}. ` +
    'Fix the syntax at that spot (see https://toml.io).'
  );
}

function isTomlSyntaxError(error: unknown): error is TomlSyntaxError {
  return (
    error instanceof Error &&
    typeof (error as Partial<TomlSyntaxError>).line === 'number' &&
    typeof (error as Partial<TomlSyntaxError>).col === 'number'
  );
}
