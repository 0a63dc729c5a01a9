/**
 * A reader for the block-style YAML the examples use, since no YAML parser is a dependency: `---` documents,
 * block mappings and sequences, plain, quoted, integer and boolean scalars, `#` comments. Anything else (flow
 * collections, anchors, multi-line strings, tabs) throws, so an example that outgrows the subset fails loudly
 * instead of being misread.
 */
export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

interface Line {
  readonly number: number;
  readonly indent: number;
  readonly text: string;
}

const KEY = /^([A-Za-z0-9_.\-/]+):(?:\s+(.*))?$/;

/** Parses every document of a YAML stream; empty documents are left out. */
export function parseYamlDocuments(source: string): YamlValue[] {
  const documents: Line[][] = [[]];
  for (const [index, raw] of source.split('\n').entries()) {
    if (raw.includes('\t')) throw new Error(`line ${index + 1}: tabs are outside the YAML subset`);
    const text = stripComment(raw).trimEnd();
    if (text.trim() === '') continue;
    if (text === '---') {
      documents.push([]);
      continue;
    }
    documents
      .at(-1)
      ?.push({ number: index + 1, indent: text.length - text.trimStart().length, text: text.trim() });
  }
  return documents
    .filter((lines) => lines.length > 0)
    .map((lines) => {
      const reader = new BlockReader(lines);
      const value = reader.block(lines[0]?.indent ?? 0);
      reader.expectEnd();
      return value;
    });
}

class BlockReader {
  private position = 0;

  constructor(private readonly lines: Line[]) {}

  block(indent: number): YamlValue {
    const line = this.peek();
    if (line === undefined) return null;
    if (line.indent !== indent) throw this.error(line, `expected indent ${indent}`);
    return isSequenceItem(line.text) ? this.sequence(indent) : this.mapping(indent);
  }

  expectEnd(): void {
    const line = this.peek();
    if (line !== undefined) throw this.error(line, 'unexpected content');
  }

  private mapping(indent: number): { [key: string]: YamlValue } {
    const result: { [key: string]: YamlValue } = {};
    for (let line = this.peek(); line !== undefined && line.indent === indent; line = this.peek()) {
      if (isSequenceItem(line.text)) throw this.error(line, 'a sequence item where a key was expected');
      const match = KEY.exec(line.text);
      if (match === null) throw this.error(line, 'expected "key: value"');
      const key = match[1] ?? '';
      if (Object.hasOwn(result, key)) throw this.error(line, `duplicate key ${key}`);
      this.position += 1;
      const rest = match[2];
      if (rest !== undefined && rest !== '') {
        result[key] = scalar(rest, line, this);
        continue;
      }
      const next = this.peek();
      if (next !== undefined && next.indent > indent) result[key] = this.block(next.indent);
      // "key:" followed by "- item" at the same indent is a sequence, as YAML allows.
      else if (next !== undefined && next.indent === indent && isSequenceItem(next.text))
        result[key] = this.sequence(indent);
      else result[key] = null;
    }
    const after = this.peek();
    if (after !== undefined && after.indent > indent) throw this.error(after, 'unexpected indent');
    return result;
  }

  private sequence(indent: number): YamlValue[] {
    const result: YamlValue[] = [];
    for (let line = this.peek(); line !== undefined && line.indent === indent; line = this.peek()) {
      if (!isSequenceItem(line.text)) break;
      const rest = line.text.slice(1).trimStart();
      if (rest === '') {
        this.position += 1;
        const next = this.peek();
        result.push(next !== undefined && next.indent > indent ? this.block(next.indent) : null);
      } else if (KEY.test(rest) || isSequenceItem(rest)) {
        // "- key: value" or "- - item": a block that lines up with the text after "- ".
        const itemIndent = line.indent + (line.text.length - rest.length);
        this.lines[this.position] = { number: line.number, indent: itemIndent, text: rest };
        result.push(this.block(itemIndent));
      } else {
        this.position += 1;
        result.push(scalar(rest, line, this));
      }
    }
    return result;
  }

  peek(): Line | undefined {
    return this.lines[this.position];
  }

  error(line: Line, message: string): Error {
    return new Error(`line ${line.number}: ${message}: ${line.text}`);
  }
}

function isSequenceItem(text: string): boolean {
  return text === '-' || text.startsWith('- ');
}

function scalar(text: string, line: Line, reader: BlockReader): YamlValue {
  if (/^["']/.test(text)) {
    const quote = text[0];
    if (text.length < 2 || !text.endsWith(quote ?? '')) throw reader.error(line, 'unterminated string');
    const inner = text.slice(1, -1);
    return quote === '"' ? inner.replace(/\\(["\\])/g, '$1') : inner.replaceAll("''", "'");
  }
  if (/^[[{&*!|>%@`]/.test(text)) throw reader.error(line, 'syntax outside the YAML subset');
  if (text === 'true' || text === 'false') return text === 'true';
  if (text === 'null' || text === '~') return null;
  if (/^-?\d+$/.test(text)) return Number(text);
  return text;
}

/** Drops a `#` comment: at the start, or after whitespace outside quotes. */
function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i];
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
    } else if ((char === '"' || char === "'") && (i === 0 || /\s/.test(line[i - 1] ?? ''))) {
      // Only a quote that opens a scalar; the apostrophe in "it's" does not.
      quote = char;
    } else if (char === '#' && (i === 0 || /\s/.test(line[i - 1] ?? ''))) {
      return line.slice(0, i);
    }
  }
  return line;
}
