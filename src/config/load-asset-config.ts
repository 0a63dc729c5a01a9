import type { AssetConfig, AssetEntry } from './asset-entry.js';
import { ConfigError } from './config-error.js';
import { ConfigProblems } from './config-problems.js';
import { reportConflictingEntries } from './find-conflicting-entries.js';
import { locateConfigFile } from './locate-config-file.js';
import { readAssetEntry } from './read-asset-entry.js';
import { readTomlFile } from './read-toml-file.js';
import { selectAssetTables } from './select-asset-tables.js';

export interface LoadConfigOptions {
  /** The app dir (the working directory during detect/build). */
  readonly appDir: string;
  /** Looks up a variable: the process env and <platform>/env files already merged by the caller. */
  readonly env: (name: string) => string | undefined;
}

/**
 * Reads the asset configuration. Returns undefined when the file does not exist (detect then says "no
 * project.toml"); an existing file with no entries gives entries: []. Throws ConfigError for anything
 * invalid, with every problem of the file in one message, a paragraph each.
 */
export async function loadAssetConfig(options: LoadConfigOptions): Promise<AssetConfig | undefined> {
  const location = locateConfigFile(options.appDir, options.env);
  const document = await readTomlFile(location);
  if (document === undefined) return undefined;

  const problems = new ConfigProblems(location.file);
  const entries: AssetEntry[] = [];
  const tables = selectAssetTables(document, problems);
  for (const [position, raw] of tables.entries.entries()) {
    const entry = readAssetEntry(raw, position + 1, tables.tablePath, problems);
    if (entry !== undefined) entries.push(entry);
  }
  reportConflictingEntries(entries, problems);

  if (problems.errors.length > 0) throw new ConfigError(problems.errorMessage());
  return { file: location.file, entries, warnings: problems.warnings };
}
