import {
  CHECKSUMS_PLACEHOLDERS,
  KNOWN_PLACEHOLDERS,
  findUnknownPlaceholders,
  listKnownPlaceholders,
} from './asset-template.js';
import { describeValue, looksLikeToken } from './describe-value.js';
import { guessGithubRepo, parseGithubRepo, type GithubRepo } from './github-repo.js';
import { normaliseDestination } from './normalise-destination.js';

/**
 * Checks of each entry field on its own. Every check takes the raw parsed TOML value (undefined when the key
 * is absent) and returns either the value as AssetEntry holds it, or the sentence that says what is wrong and
 * how to fix it; the caller adds the file and entry in front.
 */
export type FieldResult<T> = { readonly value: T } | { readonly error: string };

/** Deepest strip_components accepted: far beyond any real archive, small enough to rule out typos. */
export const MAX_STRIP_COMPONENTS = 64;

const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SHA256_PATTERN = /^[0-9a-f]{64}$/;

/** `repo`: required, `owner/name`. */
export function checkRepo(raw: unknown): FieldResult<GithubRepo & { readonly repo: string }> {
  if (raw === undefined) {
    return {
      error: 'repo is missing. Add repo = "owner/name", the GitHub repository whose release holds the asset.',
    };
  }
  if (typeof raw !== 'string') {
    return {
      error: `repo must be a string "owner/name", but is ${describeValue(raw)}. Write repo = "owner/name" in quotes.`,
    };
  }
  const parsed = parseGithubRepo(raw);
  if (parsed !== undefined) return { value: { repo: raw, ...parsed } };
  const guess = guessGithubRepo(raw);
  if (guess !== undefined) {
    return { error: `repo must be "owner/name", but is ${describeValue(raw)}. Write repo = "${guess}".` };
  }
  return {
    error:
      `repo must be "owner/name" as on GitHub (exactly one slash; the owner made of letters, digits and hyphens; ` +
      `the name made of letters, digits, ".", "-" and "_"), but is ${describeValue(raw)}. ` +
      'Write it like repo = "stedolan/jq".',
  };
}

/** `asset`: optional (left out, the buildpack picks the build for the image), a release file name or template. */
export function checkAsset(raw: unknown): FieldResult<string | undefined> {
  if (raw === undefined) return { value: undefined };
  return checkReleaseFileName('asset', raw, 'asset = "jq-linux64"');
}

/** `checksums`: optional, the release file that lists the checksums of the others. */
export function checkChecksums(raw: unknown): FieldResult<string | undefined> {
  if (raw === undefined) return { value: undefined };
  return checkReleaseFileName('checksums', raw, 'checksums = "checksums.txt"');
}

/** `tag`: optional; empty or "latest" means the latest release, which github-assets-cnb got wrong. */
export function checkTag(raw: unknown): FieldResult<string | undefined> {
  if (raw === undefined) return { value: undefined };
  if (typeof raw !== 'string') {
    return {
      error:
        `tag must be a string, but is ${describeValue(raw)}. Write the tag in quotes exactly as on GitHub, ` +
        'e.g. tag = "v1.2.0", or leave tag out for the latest release.',
    };
  }
  if (raw === '' || raw === 'latest') return { value: undefined };
  if (/\s/.test(raw) || hasControlCharacter(raw)) {
    const trimmed = raw.trim();
    const fix =
      trimmed !== '' && !/\s/.test(trimmed) && !hasControlCharacter(trimmed)
        ? `Write tag = ${JSON.stringify(trimmed)}.`
        : 'Write the tag exactly as on GitHub, e.g. tag = "v1.2.0".';
    return { error: `tag cannot contain spaces or control characters, but is ${describeValue(raw)}. ${fix}` };
  }
  return { value: raw };
}

/** `token_env`: optional, the name of the variable that holds a token; never the token. */
export function checkTokenEnv(raw: unknown): FieldResult<string | undefined> {
  const example = 'token_env = "MY_GITHUB_TOKEN"';
  if (raw === undefined) return { value: undefined };
  if (typeof raw !== 'string') {
    return {
      error: `token_env must be the name of an environment variable, but is ${describeValue(raw)}. Write e.g. ${example}.`,
    };
  }
  // github-assets-cnb read an empty token_env as "no token".
  if (raw === '') return { value: undefined };
  if (looksLikeToken(raw)) {
    return {
      error:
        'token_env must name the environment variable that holds the token, but holds what looks like a token ' +
        `itself (not shown). Pass the token as a variable (pack build --env MY_GITHUB_TOKEN=…) and write ${example}; ` +
        'revoke the token, since it has been written into a file.',
    };
  }
  if (!ENV_NAME_PATTERN.test(raw)) {
    return {
      error:
        'token_env must be an environment variable name (letters, digits and "_", not starting with a digit), ' +
        `but is ${describeValue(raw)}. Write e.g. ${example}.`,
    };
  }
  if (isWellKnownNonSecret(raw)) {
    return {
      error:
        `token_env names ${raw}, a variable the system or the lifecycle sets for another purpose, so its value ` +
        `would be sent to GitHub as a token. Name the variable that holds your GitHub token, e.g. ${example}, ` +
        'and pass it to the build (pack build --env MY_GITHUB_TOKEN).',
    };
  }
  return { value: raw };
}

/** Variables that shells, the OS and the CNB lifecycle set for their own purposes: never a GitHub token. */
const NON_SECRET_VARIABLES = new Set([
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'PWD',
  'OLDPWD',
  'SHELL',
  'TERM',
  'LANG',
  'HOSTNAME',
  'TMPDIR',
  'TZ',
  'LD_LIBRARY_PATH',
  'SERVICE_BINDING_ROOT',
]);
const NON_SECRET_PREFIXES = ['CNB_', 'LC_', 'SSL_CERT_', 'BP_GITHUB_ASSETS_'];

function isWellKnownNonSecret(name: string): boolean {
  const upper = name.toUpperCase();
  return NON_SECRET_VARIABLES.has(upper) || NON_SECRET_PREFIXES.some((prefix) => upper.startsWith(prefix));
}

/** `destination`: optional, a relative path that stays inside the layer. */
export function checkDestination(raw: unknown): FieldResult<string | undefined> {
  if (raw === undefined) return { value: undefined };
  if (typeof raw !== 'string') {
    return {
      error: `destination must be a path inside the layer, but is ${describeValue(raw)}. Write it in quotes, e.g. destination = "bin/jq".`,
    };
  }
  const checked = normaliseDestination(raw);
  if (!checked.ok) {
    return {
      error: `destination must be a relative path inside the layer, but is ${describeValue(raw)}, which ${checked.reason}. ${checked.fix}`,
    };
  }
  return { value: checked.destination };
}

/** `strip_components`: optional whole number; github-assets-cnb decoded it into an int64, so no strings. */
export function checkStripComponents(raw: unknown): FieldResult<number> {
  if (raw === undefined) return { value: 0 };
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 && raw <= MAX_STRIP_COMPONENTS) {
    return { value: raw };
  }
  const expected = `strip_components must be a whole number from 0 to ${MAX_STRIP_COMPONENTS}, but is ${describeValue(raw)}.`;
  if (typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) && Number(raw) <= MAX_STRIP_COMPONENTS) {
    return { error: `${expected} Write strip_components = ${Number(raw)} without quotes.` };
  }
  return {
    error: `${expected} Write e.g. strip_components = 1 to drop the top directory of the archive, or leave it out.`,
  };
}

/** Per-platform pins, keyed `os/arch` (or `os/arch/variant`) as the build platform names them. */
export type PlatformPins = Readonly<Record<string, string>>;

const PLATFORM_KEY_PATTERN = /^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/;

/**
 * `sha256`: optional pinned checksum, stored lower-case without a `sha256:` prefix; or a table of them keyed
 * by platform (`sha256 = { "linux/amd64" = "…", "linux/arm64" = "…" }`), so a multi-arch entry can be pinned.
 */
export function checkSha256(raw: unknown): FieldResult<string | PlatformPins | undefined> {
  if (raw === undefined) return { value: undefined };
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw) && !(raw instanceof Date)) {
    return checkPlatformPins(raw as Readonly<Record<string, unknown>>);
  }
  return checkDigest('sha256', raw);
}

function checkDigest(field: string, raw: unknown): FieldResult<string> {
  const fix = "Copy it from the release's checksums file or from the output of sha256sum.";
  if (typeof raw !== 'string') {
    return {
      error: `${field} must be a string of 64 hex digits, but is ${describeValue(raw)}. Write it in quotes. ${fix}`,
    };
  }
  const digest = raw.replace(/^sha256:/i, '').toLowerCase();
  if (SHA256_PATTERN.test(digest)) return { value: digest };
  const detail = /^[0-9a-f]*$/.test(digest)
    ? `, which has ${digest.length} hex digits`
    : ', which holds characters other than hex digits';
  return {
    error: `${field} must be 64 hex digits (optionally after "sha256:"), but is ${describeValue(raw)}${detail}. ${fix}`,
  };
}

function checkPlatformPins(table: Readonly<Record<string, unknown>>): FieldResult<PlatformPins> {
  const example = 'sha256 = { "linux/amd64" = "<64 hex digits>", "linux/arm64" = "<64 hex digits>" }';
  const keys = Object.keys(table);
  if (keys.length === 0) {
    return { error: `sha256 is an empty table. Pin each platform, e.g. ${example}, or leave sha256 out.` };
  }
  const pins: Record<string, string> = {};
  for (const key of keys) {
    if (!PLATFORM_KEY_PATTERN.test(key)) {
      const lower = key.toLowerCase();
      const fix = PLATFORM_KEY_PATTERN.test(lower)
        ? `Write "${lower}".`
        : `Write the platform as os/arch the way the build names it, e.g. "linux/amd64" or "linux/arm64".`;
      return { error: `sha256 has the key ${JSON.stringify(key)}, which is not a platform. ${fix}` };
    }
    const digest = checkDigest(`sha256 for ${key}`, table[key]);
    if ('error' in digest) return digest;
    pins[key] = digest.value;
  }
  return { value: pins };
}

/** `include`: optional non-empty array of globs naming archive members to keep. */
export function checkInclude(raw: unknown): FieldResult<readonly string[] | undefined> {
  if (raw === undefined) return { value: undefined };
  if (typeof raw === 'string') {
    const example = raw.trim() === '' ? '"bin/*"' : JSON.stringify(raw);
    return {
      error: `include must be an array of globs, but is ${describeValue(raw)}. Write include = [${example}] with brackets.`,
    };
  }
  if (!Array.isArray(raw)) {
    return {
      error: `include must be an array of globs, but is ${describeValue(raw)}. Write e.g. include = ["bin/*"].`,
    };
  }
  if (raw.length === 0) {
    return {
      error:
        'include must list at least one glob, but is [] (an empty array). List the archive members to keep, ' +
        'e.g. include = ["bin/*"], or leave include out to keep everything.',
    };
  }
  const problems = raw.flatMap((item: unknown, position) =>
    typeof item === 'string' && item.trim() !== '' && !item.includes('\0')
      ? []
      : [`item ${position + 1} is ${describeValue(item)}`],
  );
  if (problems.length > 0) {
    return {
      error: `include must hold only non-empty glob strings, but ${problems.join(' and ')}. Write each glob in quotes, e.g. include = ["bin/*"].`,
    };
  }
  return { value: raw as string[] };
}

/** `launch` / `build` / `arch_check`: optional booleans. */
export function checkFlag(
  field: 'launch' | 'build' | 'arch_check',
  raw: unknown,
  fallback: boolean,
): FieldResult<boolean> {
  if (raw === undefined) return { value: fallback };
  if (typeof raw === 'boolean') return { value: raw };
  if (typeof raw === 'string' && /^(?:true|false)$/i.test(raw.trim())) {
    return {
      error: `${field} must be true or false, but is ${describeValue(raw)}. Write ${field} = ${raw.trim().toLowerCase()} without quotes.`,
    };
  }
  return {
    error: `${field} must be true or false, but is ${describeValue(raw)}. Write ${field} = true or ${field} = false.`,
  };
}

function checkReleaseFileName(
  field: 'asset' | 'checksums',
  raw: unknown,
  example: string,
): FieldResult<string> {
  if (typeof raw !== 'string') {
    return {
      error: `${field} must be a string, but is ${describeValue(raw)}. Write the file name in quotes, e.g. ${example}.`,
    };
  }
  if (raw.trim() === '') {
    return {
      error: `${field} must name a release file, but is ${describeValue(raw)}. Write the name as listed under the release's assets, e.g. ${example}.`,
    };
  }
  if (hasControlCharacter(raw)) {
    return {
      error: `${field} must be a file name, but is ${describeValue(raw)}, which holds a control character. Remove it.`,
    };
  }
  if (raw.includes('/')) {
    // Release file names cannot hold a slash, so this is a URL or a path copied from a download link.
    const lastSegment = raw.replace(/\/+$/, '').split('/').at(-1) ?? '';
    const fix = lastSegment === '' ? `e.g. ${example}` : `${field} = ${JSON.stringify(lastSegment)}`;
    return {
      error: `${field} must be a release file name, not a path or URL, but is ${describeValue(raw)}. Write only the file name: ${fix}.`,
    };
  }
  const known = field === 'checksums' ? CHECKSUMS_PLACEHOLDERS : KNOWN_PLACEHOLDERS;
  const unknown = findUnknownPlaceholders(raw, known);
  if (unknown.length > 0) {
    const which = unknown.length === 1 ? 'placeholder' : 'placeholders';
    return {
      error:
        `${field} holds the unknown ${which} ${unknown.join(', ')}, in ${describeValue(raw)}. ` +
        `Use only ${listKnownPlaceholders(known)}.`,
    };
  }
  return { value: raw };
}

/** Whether the text holds a C0 control character or DEL, which no name or tag may contain. */
function hasControlCharacter(text: string): boolean {
  return [...text].some((character) => {
    const code = character.charCodeAt(0);
    return code < 0x20 || code === 0x7f;
  });
}
