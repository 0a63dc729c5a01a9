/**
 * Short, safe descriptions of configuration values for error messages: what the user wrote, in a form
 * they can find in their file, cut short so one odd value cannot flood the log, and never a token.
 */

const MAX_STRING_LENGTH = 60;
const MAX_ARRAY_ITEMS = 3;

// Classic and fine-grained GitHub token prefixes. A token pasted into the wrong field must not reach the
// build log, which is often public (CI output).
const GITHUB_TOKEN_PATTERN = /(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/;
const GITHUB_TOKEN_PATTERN_ALL = new RegExp(GITHUB_TOKEN_PATTERN.source, 'g');

/** Whether a string contains something shaped like a GitHub token. */
export function looksLikeToken(text: string): boolean {
  return GITHUB_TOKEN_PATTERN.test(text);
}

/**
 * Replaces anything token-shaped with `***`: the last guard for fixes that quote part of what the user
 * wrote (a suggested destination, a trimmed tag), in case that was a token pasted into the wrong field.
 */
export function hideTokens(message: string): string {
  return message.replace(GITHUB_TOKEN_PATTERN_ALL, '***');
}

/** The kind of a parsed TOML value, with its article: "a string", "a whole number", "a table"... */
export function describeType(value: unknown): string {
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'boolean') return 'a boolean';
  if (typeof value === 'bigint') return 'a whole number';
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return 'a whole number';
    return Number.isNaN(value) || !Number.isFinite(value) ? 'a special float' : 'a fractional number';
  }
  if (value instanceof Date) return 'a date';
  if (Array.isArray(value)) return 'an array';
  if (value !== null && typeof value === 'object') return 'a table';
  return `a ${typeof value} value`;
}

/** The value as it might be written in TOML, shortened, with tokens hidden. */
export function reprValue(value: unknown): string {
  if (typeof value === 'string') return reprString(value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return String(value);
  }
  if (value instanceof Date) {
    // An impossible date (Feb 30) would make toISOString throw.
    return Number.isNaN(value.getTime()) ? 'a date' : value.toISOString();
  }
  if (Array.isArray(value)) {
    const shown = value.slice(0, MAX_ARRAY_ITEMS).map(reprValue);
    if (value.length > MAX_ARRAY_ITEMS) shown.push('…');
    return `[${shown.join(', ')}]`;
  }
  if (value !== null && typeof value === 'object') {
    // Only the keys: the values may be long or secret, and the keys are enough to find the table.
    const keys = Object.keys(value);
    return keys.length === 0
      ? '{}'
      : `{ ${keys.slice(0, MAX_ARRAY_ITEMS).join(', ')}${keys.length > 3 ? ', …' : ''} }`;
  }
  return typeof value;
}

/** `"1" (a string)`: the value and its kind, as messages put it after "but is". */
export function describeValue(value: unknown): string {
  // The parser wraps integers beyond 64 bits, so the digits it hands over may not be the ones written.
  if (typeof value === 'bigint') return 'a whole number too large to use';
  return `${reprValue(value)} (${describeType(value)})`;
}

function reprString(text: string): string {
  if (looksLikeToken(text)) return 'a value that looks like a GitHub token (not shown)';
  const short = text.length > MAX_STRING_LENGTH ? `${text.slice(0, MAX_STRING_LENGTH)}…` : text;
  return JSON.stringify(short);
}
