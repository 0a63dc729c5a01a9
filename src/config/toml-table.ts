/** A parsed TOML table: plain keys to parsed values. */
export type TomlTable = Readonly<Record<string, unknown>>;

/** Whether a parsed TOML value is a table (not an array, date or scalar). */
export function isTomlTable(value: unknown): value is TomlTable {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);
}
