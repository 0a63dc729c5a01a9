/**
 * Writes pins into project.toml text by editing only the lines of `tag` and `sha256` in each entry's
 * `[[…githubassets]]` section, so comments, order, spacing and every other table stay byte for byte. The
 * file is never re-serialised: a TOML writer would drop the comments.
 */

/** What to write into one entry (its 1-based position among the `[[…githubassets]]` sections). */
export interface EntryPins {
  readonly index: number;
  /** The exact tag to write, or undefined to leave tag as it is. */
  readonly tag: string | undefined;
  /** One digest for every platform, or one per platform. */
  readonly sha256: string | Readonly<Record<string, string>>;
}

export class ProjectTomlEditError extends Error {
  override name = 'ProjectTomlEditError';
}

const ENTRY_PATHS = ['metadata.githubassets', '_.metadata.githubassets'];

interface Line {
  /** The line without its ending. */
  text: string;
  /** '\n', '\r\n' or '' for the last line. */
  ending: string;
}

/** The text with every pin written, and a description of each change (empty when nothing changed). */
export function writePins(
  text: string,
  file: string,
  pins: readonly EntryPins[],
): { readonly text: string; readonly changes: readonly string[] } {
  const lines = splitLines(text);
  const sections = entrySections(lines, file);
  const changes: string[] = [];
  // From the last entry up, so inserting a line does not move the sections still to edit.
  for (const pin of [...pins].sort((a, b) => b.index - a.index)) {
    const section = sections[pin.index - 1];
    if (section === undefined) {
      throw new ProjectTomlEditError(`${file}: there is no entry ${pin.index} to pin.`);
    }
    const sha256 = renderSha256(pin.sha256);
    const entryChanges: string[] = [];
    const sha = setKey(lines, section, 'sha256', sha256, file, pin.index);
    if (sha !== undefined) entryChanges.push(`sha256 ${sha.before ?? '(none)'} -> ${sha256}`);
    if (pin.tag !== undefined) {
      const tag = setKey(lines, section, 'tag', JSON.stringify(pin.tag), file, pin.index);
      if (tag !== undefined)
        entryChanges.unshift(`tag ${tag.before ?? '(latest)'} -> ${JSON.stringify(pin.tag)}`);
    }
    if (entryChanges.length > 0) changes.unshift(`entry ${pin.index}: ${entryChanges.join('; ')}`);
  }
  return { text: lines.map((line) => line.text + line.ending).join(''), changes };
}

function renderSha256(sha256: EntryPins['sha256']): string {
  if (typeof sha256 === 'string') return JSON.stringify(sha256);
  const pairs = Object.keys(sha256)
    .sort()
    .map((platform) => `${JSON.stringify(platform)} = ${JSON.stringify(sha256[platform])}`);
  return `{ ${pairs.join(', ')} }`;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  const pattern = /([^\r\n]*)(\r\n|\n|$)/g;
  for (const match of text.matchAll(pattern)) {
    const [, body = '', ending = ''] = match;
    if (body === '' && ending === '' && match.index === text.length) break;
    lines.push({ text: body, ending });
  }
  return lines;
}

/** A `[[…githubassets]]` section: its header line and the first line after it that is not its own. */
interface Section {
  readonly header: number;
  end: number;
}

/** The sections of the entries, in file order, skipping lines inside multi-line strings. */
function entrySections(lines: readonly Line[], file: string): Section[] {
  const byPath = new Map<string, Section[]>();
  let current: Section | undefined;
  let currentPath = '';
  let openString: string | undefined;
  for (const [number, line] of lines.entries()) {
    if (openString !== undefined) {
      if (countOf(line.text, openString) % 2 === 1) openString = undefined;
      continue;
    }
    const header = /^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$/.exec(line.text);
    if (header !== null) {
      const path = normaliseKeyPath(header[2] ?? '');
      const isArray = header[1] === '[[';
      // A sub-table of the entry ([metadata.githubassets.sha256]) belongs to its section.
      if (current !== undefined && !isArray && path.startsWith(`${currentPath}.`)) {
        const key = path.slice(currentPath.length + 1);
        if (key === 'sha256' || key === 'tag') {
          throw new ProjectTomlEditError(
            `${file}: entry ${byPath.get(currentPath)?.length ?? 0} writes ${key} as a [${header[2] ?? ''}] table, which pin does not edit. Write it as ${key} = … inside the entry, then run pin again.`,
          );
        }
        continue;
      }
      if (current !== undefined) current.end = number;
      current = undefined;
      if (isArray && ENTRY_PATHS.includes(path)) {
        current = { header: number, end: lines.length };
        currentPath = path;
        byPath.set(path, [...(byPath.get(path) ?? []), current]);
      }
      continue;
    }
    for (const quote of ['"""', "'''"]) {
      if (countOf(line.text, quote) % 2 === 1) openString = quote;
    }
  }
  const found = [...byPath.entries()].filter(([, sections]) => sections.length > 0);
  if (found.length > 1) {
    throw new ProjectTomlEditError(
      `${file}: both [[metadata.githubassets]] and [[_.metadata.githubassets]] hold entries; move them into one of the two, then run pin again.`,
    );
  }
  return found[0]?.[1] ?? [];
}

/**
 * Sets `key = value` in a section: replaces the value of an existing line (keeping its indentation and
 * trailing comment), or adds a line after the entry's `asset` (else its `repo`, else its header). Returns the old
 * value when something changed, undefined when the value was already there.
 */
function setKey(
  lines: Line[],
  section: Section,
  key: string,
  value: string,
  file: string,
  index: number,
): { readonly before: string | undefined } | undefined {
  const keyPattern = new RegExp(`^(\\s*)(?:${key}|"${key}"|'${key}')(\\s*)(=|\\.)`);
  const found: number[] = [];
  for (let number = section.header + 1; number < section.end; number++) {
    if (keyPattern.test(lines[number]?.text ?? '')) found.push(number);
  }
  const first = found[0];
  if (first !== undefined) {
    const line = lines[first];
    if (line === undefined) return undefined;
    const match = keyPattern.exec(line.text);
    if (match?.[3] === '.') {
      // Dotted keys (sha256."linux/amd64" = "…"): replace them all with one line.
      const before = found.map((n) => lines[n]?.text.trim() ?? '').join(' ');
      line.text = `${match[1] ?? ''}${key} = ${value}`;
      for (const extra of found.slice(1).reverse()) lines.splice(extra, 1);
      section.end -= found.length - 1;
      return { before };
    }
    const prefix = /^[^=]*=\s*/.exec(line.text)?.[0] ?? '';
    const rest = line.text.slice(prefix.length);
    const length = valueLength(rest);
    if (length === undefined) {
      throw new ProjectTomlEditError(
        `${file}: entry ${index}: the value of ${key} spans several lines or cannot be read (${line.text.trim()}); write it on one line, then run pin again.`,
      );
    }
    const before = rest.slice(0, length);
    if (before === value) return undefined;
    line.text = prefix + value + rest.slice(length);
    return { before };
  }
  // After `asset`, or after `repo` in an entry the buildpack picks the asset for, else after the header.
  let after = section.header;
  for (const anchorKey of ['repo', 'asset']) {
    for (let number = section.header + 1; number < section.end; number++) {
      if (
        new RegExp(`^\\s*(?:${anchorKey}|"${anchorKey}"|'${anchorKey}')\\s*=`).test(lines[number]?.text ?? '')
      )
        after = number;
    }
  }
  const anchor = lines[after];
  if (anchor === undefined) return undefined;
  const indent = after === section.header ? '' : (/^\s*/.exec(anchor.text)?.[0] ?? '');
  // A last line without an ending gets one, and the new line becomes the last.
  const ending = anchor.ending;
  if (ending === '') anchor.ending = text(lines).includes('\r\n') ? '\r\n' : '\n';
  lines.splice(after + 1, 0, { text: `${indent}${key} = ${value}`, ending });
  section.end += 1;
  return { before: undefined };
}

/** The length of the TOML value at the start of `text` (a string or one-line inline table), if readable. */
function valueLength(text: string): number | undefined {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quote !== undefined) {
      if (quote === '"' && char === '\\') i++;
      else if (char === quote) {
        quote = undefined;
        if (depth === 0) return i + 1;
      }
      continue;
    }
    if (text.startsWith('"""', i) || text.startsWith("'''", i)) return undefined;
    if (char === '"' || char === "'") quote = char;
    else if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') {
      depth--;
      if (depth === 0) return i + 1;
    } else if (depth === 0 && (char === '#' || char === ' ' || char === '\t')) return i === 0 ? undefined : i;
  }
  return depth === 0 && quote === undefined && text.length > 0 ? text.length : undefined;
}

/** `io. "metadata" .githubassets` -> `io.metadata.githubassets` (bare and quoted keys alike). */
function normaliseKeyPath(path: string): string {
  return path
    .split('.')
    .map((part) =>
      part
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .replace(/^'(.*)'$/, '$1'),
    )
    .join('.');
}

function text(lines: readonly Line[]): string {
  return lines.map((line) => line.text + line.ending).join('');
}

function countOf(text: string, needle: string): number {
  return text.split(needle).length - 1;
}
