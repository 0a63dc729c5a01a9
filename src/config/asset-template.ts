/** Placeholders an asset or checksums name may hold; the installer fills them in for each build. */
export const KNOWN_PLACEHOLDERS = ['tag', 'version', 'os', 'arch', 'libc'] as const;

/** A checksums name may also name the chosen asset (`{asset}.sha256`). */
export const CHECKSUMS_PLACEHOLDERS = [...KNOWN_PLACEHOLDERS, 'asset'] as const;

/** Matches a placeholder the installer fills in, capturing its name. */
export const FILLED_PLACEHOLDER = new RegExp(`\\{(${CHECKSUMS_PLACEHOLDERS.join('|')})\\}`, 'g');

/** Whether a name holds a placeholder the installer fills in. */
export function hasPlaceholder(template: string): boolean {
  return template.match(FILLED_PLACEHOLDER) !== null;
}

const PLACEHOLDER_PATTERN = /\{([^{}]*)\}/g;

/** The `{names}` in a template that the installer would not know how to fill, in order, without repeats. */
export function findUnknownPlaceholders(
  template: string,
  known: readonly string[] = KNOWN_PLACEHOLDERS,
): string[] {
  const unknown = [...template.matchAll(PLACEHOLDER_PATTERN)]
    .map((match) => match[1] ?? '')
    .filter((name) => !known.includes(name))
    .map((name) => `{${name}}`);
  return [...new Set(unknown)];
}

/** Whether the name changes with the target platform, so one pinned checksum cannot fit every build. */
export function dependsOnPlatform(template: string): boolean {
  return template.includes('{os}') || template.includes('{arch}') || template.includes('{libc}');
}

/** `{tag}, {version}, {os}, {arch} and {libc}`, for messages. */
export function listKnownPlaceholders(known: readonly string[] = KNOWN_PLACEHOLDERS): string {
  const names = known.map((name) => `{${name}}`);
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}`;
}
