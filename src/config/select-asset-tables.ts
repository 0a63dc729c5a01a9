import type { ConfigProblems } from './config-problems.js';
import { describeValue } from './describe-value.js';
import { isTomlTable, type TomlTable } from './toml-table.js';

const SCHEMA_01_PATH = ['metadata', 'githubassets'] as const;
const SCHEMA_02_PATH = ['_', 'metadata', 'githubassets'] as const;

/** The raw entries, and the table path they were found under (for messages). */
export interface AssetTables {
  readonly entries: readonly unknown[];
  readonly tablePath: string;
}

type Lookup = { readonly kind: 'absent' } | { readonly kind: 'found'; readonly value: unknown };

/**
 * Finds the raw `githubassets` entries in a project descriptor: `[[metadata.githubassets]]` in schema 0.1 (and
 * github-assets-cnb), `[[_.metadata.githubassets]]` in schema 0.2 (`[_] schema-version = "0.2"`). Either is
 * read whatever the file declares, since users move between the two; when both are present the one matching
 * the declared schema wins. Problems with the shape go into `problems`; the entries are returned unchecked.
 */
export function selectAssetTables(document: TomlTable, problems: ConfigProblems): AssetTables {
  const declaresSchema02 = readSchemaVersion(document, problems) === '0.2';
  const schema01 = lookUp(document, SCHEMA_01_PATH, problems);
  const schema02 = lookUp(document, SCHEMA_02_PATH, problems);
  const [chosen, chosenPath, otherPath] = pickTables(declaresSchema02, schema01, schema02);

  if (schema01.kind === 'found' && schema02.kind === 'found') {
    problems.fileWarning(
      `both [[${SCHEMA_01_PATH.join('.')}]] and [[${SCHEMA_02_PATH.join('.')}]] are present; only ` +
        `[[${chosenPath}]] is read, as the file declares schema ${declaresSchema02 ? '0.2' : '0.1'}. ` +
        `Move every entry into [[${chosenPath}]] and delete [[${otherPath}]].`,
    );
  } else if (
    chosen.kind === 'found' &&
    chosenPath !== (declaresSchema02 ? SCHEMA_02_PATH : SCHEMA_01_PATH).join('.')
  ) {
    problems.fileWarning(
      `the entries are in [[${chosenPath}]], but the file declares schema ${declaresSchema02 ? '0.2' : '0.1'}; ` +
        `they are read anyway. Use [[${otherPath}]] to match the schema.`,
    );
  }
  reportMisnamedTables(document, chosen.kind === 'found', problems);

  if (chosen.kind === 'absent') return { entries: [], tablePath: chosenPath };
  if (Array.isArray(chosen.value)) return { entries: chosen.value, tablePath: chosenPath };
  const fix = isTomlTable(chosen.value)
    ? `Write [[${chosenPath}]] with double brackets, once above each entry.`
    : `Write each entry as a [[${chosenPath}]] section with repo = "owner/name" and asset = "…" below it.`;
  problems.fileError(
    `${chosenPath} must be an array of tables, but is ${describeValue(chosen.value)}. ${fix}`,
  );
  return { entries: [], tablePath: chosenPath };
}

function pickTables(declaresSchema02: boolean, schema01: Lookup, schema02: Lookup): [Lookup, string, string] {
  const path01 = SCHEMA_01_PATH.join('.');
  const path02 = SCHEMA_02_PATH.join('.');
  const prefer02 = schema01.kind === 'absent' || (declaresSchema02 && schema02.kind === 'found');
  return prefer02 ? [schema02, path02, path01] : [schema01, path01, path02];
}

/** The declared `_.schema-version`; a file without one is 0.1, as pack reads it. */
function readSchemaVersion(document: TomlTable, problems: ConfigProblems): string {
  const header = document['_'];
  if (!isTomlTable(header) || !Object.hasOwn(header, 'schema-version')) return '0.1';
  const version = header['schema-version'];
  if (version === '0.1' || version === '0.2') return version;
  problems.fileWarning(
    `_.schema-version is ${describeValue(version)}, which this buildpack does not know; it reads the file as ` +
      'schema 0.2. Write schema-version = "0.2" (or remove [_] for 0.1).',
  );
  return '0.2';
}

/** Follows a path of table keys; reports a step that exists but is not a table, since nothing can be under it. */
function lookUp(document: TomlTable, keys: readonly string[], problems: ConfigProblems): Lookup {
  let current: unknown = document;
  for (const [depth, key] of keys.entries()) {
    if (!isTomlTable(current) || !Object.hasOwn(current, key)) return { kind: 'absent' };
    const next: unknown = current[key];
    if (depth < keys.length - 1 && !isTomlTable(next)) {
      const where = keys.slice(0, depth + 1).join('.');
      problems.fileError(
        `${where} must be a table, but is ${describeValue(next)}. Write [${where}] as a section, or rename ${where}.`,
      );
      return { kind: 'absent' };
    }
    current = next;
  }
  return { kind: 'found', value: current };
}

/**
 * Catches tables that were meant to be the entries but are spelled or placed differently: `[[githubassets]]`
 * at the top level, or github-assets-cnb 1.x's `[[metadata.githubasset]]`. github-assets-cnb never read them,
 * and skipping them silently would leave the app without its tools and no word why.
 */
function reportMisnamedTables(document: TomlTable, entriesFound: boolean, problems: ConfigProblems): void {
  const header = document['_'];
  const places: [unknown, string][] = [
    [document, ''],
    [document['metadata'], 'metadata.'],
    [isTomlTable(header) ? header['metadata'] : undefined, '_.metadata.'],
  ];
  for (const [table, prefix] of places) {
    if (!isTomlTable(table)) continue;
    for (const key of Object.keys(table)) {
      const spelled = key.toLowerCase().replace(/[-_]/g, '');
      if (spelled !== 'githubassets' && spelled !== 'githubasset') continue;
      if (key === 'githubassets' && prefix !== '') continue;
      const text =
        `[[${prefix}${key}]] is not read: the entries belong in [[metadata.githubassets]] ` +
        '(or [[_.metadata.githubassets]] in a schema 0.2 file). Rename the section' +
        (key === 'githubasset'
          ? ', and the github-assets-cnb 1.x keys file, target and version to asset, destination and tag.'
          : '.');
      if (entriesFound) problems.fileWarning(text);
      else problems.fileError(text);
    }
  }
}
