import path from 'node:path';
import { ConfigError } from './config-error.js';
import { describeValue, hideTokens } from './describe-value.js';

/** The variable that points at another file than project.toml, as in github-assets-cnb. */
export const CONFIG_PATH_VARIABLE = 'GITHUB_ASSETS_PATH';

const DEFAULT_CONFIG_FILE = 'project.toml';

/** The configuration file to read. */
export interface ConfigFileLocation {
  /** The path relative to the app dir as the user wrote it, for messages. */
  readonly file: string;
  readonly absolutePath: string;
  /** Whether GITHUB_ASSETS_PATH chose the file, which makes a missing file an error. */
  readonly fromVariable: boolean;
}

/**
 * Works out which file holds the configuration: `GITHUB_ASSETS_PATH` relative to the app dir when set, else
 * project.toml. github-assets-cnb joined the variable to the app dir unchecked; here it must stay inside.
 */
export function locateConfigFile(
  appDir: string,
  env: (name: string) => string | undefined,
): ConfigFileLocation {
  const named = env(CONFIG_PATH_VARIABLE);
  if (named === undefined) {
    return {
      file: DEFAULT_CONFIG_FILE,
      absolutePath: path.join(appDir, DEFAULT_CONFIG_FILE),
      fromVariable: false,
    };
  }
  const problem = findPathProblem(appDir, named);
  if (problem !== undefined) {
    throw new ConfigError(hideTokens(`${CONFIG_PATH_VARIABLE} is ${describeValue(named)}, ${problem}`));
  }
  return { file: named, absolutePath: resolveInsideAppDir(appDir, named), fromVariable: true };
}

/**
 * github-assets-cnb joined the value to the app dir, so `/assets.toml` meant `<app>/assets.toml`; that keeps
 * working. An absolute path that already lies in the app dir (`/workspace/assets.toml`) is taken as it is.
 */
function resolveInsideAppDir(appDir: string, named: string): string {
  if (path.isAbsolute(named) && isInside(appDir, named)) return path.resolve(named);
  return path.join(appDir, named);
}

function isInside(appDir: string, candidate: string): boolean {
  const inside = path.relative(appDir, candidate);
  return inside !== '' && inside !== '..' && !inside.startsWith(`..${path.sep}`) && !path.isAbsolute(inside);
}

/** What is wrong with the variable's value, as the end of a sentence with the fix; undefined if nothing. */
function findPathProblem(appDir: string, named: string): string | undefined {
  const unset = `or unset ${CONFIG_PATH_VARIABLE} to read ${DEFAULT_CONFIG_FILE}.`;
  if (named.trim() === '')
    return `which names no file. Set it to a file relative to the app dir, e.g. assets.toml, ${unset}`;
  if (named.includes('\0')) return `which holds a NUL character. Remove it, ${unset}`;
  const inside = path.relative(appDir, resolveInsideAppDir(appDir, named));
  if (inside === '')
    return `which is the app dir itself, not a file. Name a file in it, e.g. assets.toml, ${unset}`;
  if (inside === '..' || inside.startsWith(`..${path.sep}`)) {
    return `which climbs out of the app dir. Name a file inside the app dir, e.g. assets.toml, ${unset}`;
  }
  return undefined;
}
