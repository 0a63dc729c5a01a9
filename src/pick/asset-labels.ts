/**
 * Reads the platform labels out of a release asset's name: which OS, architecture and C library it says
 * it is built for, which words name the tool, which are version, and which mark a variant build.
 */
import { type AssetKind, kindOfExtension, kindOfWord } from './asset-kind.js';
import {
  AMBIGUOUS_X86,
  type CnbArch,
  FILLER_SPELLINGS,
  type Libc,
  MULTI_PART_SPELLINGS,
  STATIC_SPELLINGS,
  archOfToken,
  armVariantOfToken,
  libcOfToken,
  osOfToken,
  splitFusedToken,
} from './platform-spellings.js';

/** A lone number (`2`, `v3`) is a version before the labels and a variant mark after them. */
export type TokenRole = 'word' | 'version' | 'number' | 'label';

export interface NameToken {
  /** The token as written in the name (parts of a multi-part spelling joined as written). */
  readonly text: string;
  readonly lower: string;
  /** Where the token starts and ends in the stem. */
  readonly start: number;
  readonly end: number;
  readonly role: TokenRole;
  readonly os?: string;
  readonly arch?: CnbArch;
  readonly libc?: Libc;
  /** `x86`, which means 32-bit or 64-bit x86 depending on the release. */
  readonly ambiguousX86?: boolean;
}

export interface AssetLabels {
  readonly name: string;
  readonly kind: AssetKind;
  readonly extension: string;
  readonly stem: string;
  readonly tokens: readonly NameToken[];
  readonly os?: string;
  readonly arch?: CnbArch;
  /** The token that spelled the architecture, as written. */
  readonly archSpelling?: string;
  readonly armVariant?: string;
  readonly ambiguousX86: boolean;
  readonly libc?: Libc;
  readonly static: boolean;
  /** The words before the first label: the tool's name as the asset spells it, if it spells one. */
  readonly toolName?: string;
  /** Words after the labels that mark a variant build (`baseline`, `pgo`, `no_libgit`, `2-17`). */
  readonly variants: readonly string[];
}

const TOKEN_PATTERN = /[^-_.\s]+/g;
const NUMBER = /^v?\d+$/;
/** Words that stand for a version: pre-releases, and rolling builds (`ffmpeg-master-latest-…`). */
const PRE_RELEASE = /^(rc|alpha|beta|pre|dev|nightly|latest|master|snapshot)\d*$/;

/** Reads an asset name. `version` (the release tag, `v1.2.3` or `tool-1.2`) helps tell versions apart. */
export function readAssetLabels(name: string, version?: string): AssetLabels {
  const { kind: extensionKind, stem, extension } = kindOfExtension(name);
  const tokens = labelTokens(joinMultiPartSpellings(splitTokens(stem)), stem, version);
  const first = <K extends keyof NameToken>(key: K): NameToken | undefined =>
    tokens.find((token) => token[key] !== undefined && token[key] !== false);
  // Android triples read `aarch64-linux-android`: the later, narrower word is the OS.
  const osToken = tokens.find((token) => token.os === 'android') ?? first('os');
  const archToken = first('arch');
  const libcToken = first('libc');
  const x86Token = first('ambiguousX86');
  const firstLabel = tokens.findIndex((token) => token.role !== 'word');
  const toolName =
    firstLabel === 0
      ? undefined
      : stem.slice(0, firstLabel === -1 ? stem.length : tokens[firstLabel]?.start).replace(/[-_.\s]+$/, '');
  const firstPlatformLabel = tokens.findIndex((token) => token.role === 'label');
  const variants = firstPlatformLabel === -1 ? [] : variantWords(tokens.slice(firstPlatformLabel));
  const kind =
    extensionKind === 'program' && archToken === undefined && x86Token === undefined
      ? (kindOfWord(tokens.map((token) => token.lower)) ?? 'program')
      : extensionKind;
  const osFromExtension = extension === '.exe' ? 'windows' : undefined;
  return {
    name,
    kind,
    extension,
    stem,
    tokens,
    ...optional('os', osToken?.os ?? osFromExtension),
    ...optional('arch', archToken?.arch),
    ...optional('archSpelling', archToken?.text),
    ...optional('armVariant', archToken?.arch === 'arm' ? armVariantOfToken(archToken.lower) : undefined),
    ambiguousX86: archToken === undefined && x86Token !== undefined,
    ...optional('libc', libcToken?.libc),
    static: tokens.some((token) => STATIC_SPELLINGS.includes(token.lower)),
    ...optional('toolName', toolName === '' ? undefined : toolName),
    variants,
  };
}

interface RawToken {
  readonly text: string;
  readonly lower: string;
  readonly start: number;
  readonly end: number;
  /** The separator right before the token ('' at the start). */
  readonly separator: string;
}

function splitTokens(stem: string): RawToken[] {
  return [...stem.matchAll(TOKEN_PATTERN)].map((match) => ({
    text: match[0],
    lower: match[0].toLowerCase(),
    start: match.index,
    end: match.index + match[0].length,
    separator: match.index === 0 ? '' : (stem[match.index - 1] ?? ''),
  }));
}

/** Joins `x86`+`64`, `aarch`+`64`, `64`+`bit`… back into one token when `_` or `-` separates them. */
function joinMultiPartSpellings(tokens: readonly RawToken[]): RawToken[] {
  const joined: RawToken[] = [];
  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index];
    const next = tokens[index + 1];
    if (token === undefined) continue;
    const joins =
      next !== undefined &&
      next.separator !== '.' &&
      next.start === token.end + 1 &&
      MULTI_PART_SPELLINGS.some((parts) => parts[0] === token.lower && parts[1] === next.lower);
    if (joins && next !== undefined) {
      joined.push({
        text: `${token.text}${next.separator}${next.text}`,
        lower: `${token.lower}_${next.lower}`,
        start: token.start,
        end: next.end,
        separator: token.separator,
      });
      index += 1;
    } else {
      joined.push(token);
    }
  }
  return joined;
}

function labelTokens(tokens: readonly RawToken[], stem: string, version: string | undefined): NameToken[] {
  const versionSpans = findVersionSpans(stem, version);
  return tokens.map((token) => {
    const spellings = [token.lower, token.lower.replace('_', ''), token.lower.replace('_', '-')];
    const fused = splitFusedToken(token.lower);
    const os = firstDefined(spellings, osOfToken) ?? fused?.os;
    const arch = firstDefined(spellings, archOfToken) ?? fused?.arch;
    const libc = libcOfToken(token.lower);
    const inVersion = versionSpans.some(([start, end]) => token.start >= start && token.end <= end);
    const ambiguousX86 = token.lower === AMBIGUOUS_X86;
    const isLabel =
      os !== undefined ||
      arch !== undefined ||
      libc !== undefined ||
      ambiguousX86 ||
      STATIC_SPELLINGS.includes(token.lower) ||
      FILLER_SPELLINGS.includes(token.lower);
    const role: TokenRole =
      isLabel && !inVersion
        ? 'label'
        : inVersion || PRE_RELEASE.test(token.lower)
          ? 'version'
          : NUMBER.test(token.lower)
            ? 'number'
            : 'word';
    return {
      text: token.text,
      lower: token.lower,
      start: token.start,
      end: token.end,
      role,
      ...(role === 'label'
        ? { ...optional('os', os), ...optional('arch', arch), ...optional('libc', libc) }
        : {}),
      ...(role === 'label' && ambiguousX86 ? { ambiguousX86 } : {}),
    };
  });
}

/**
 * Where versions sit in the stem: the release's own version when it is given, and any dotted run of numbers
 * (`1.2.3`, `v10.3.0`, `25.07.1`) with an optional pre-release word.
 */
function findVersionSpans(stem: string, version: string | undefined): [number, number][] {
  const spans: [number, number][] = [];
  const lower = stem.toLowerCase();
  for (const form of versionForms(version)) {
    for (let at = lower.indexOf(form); at !== -1; at = lower.indexOf(form, at + 1)) {
      spans.push([at, at + form.length]);
    }
  }
  for (const match of lower.matchAll(/v?\d+(?:\.\d+)+(?:[-.]?(?:rc|alpha|beta|pre)\.?\d*)?/g)) {
    spans.push([match.index, match.index + match[0].length]);
  }
  return spans;
}

/** `v1.2.3` is also written `1.2.3`; a tag such as `jq-1.6` or `bun-v1.4.0` holds the version `1.6`. */
function versionForms(version: string | undefined): string[] {
  if (version === undefined || version.trim() === '') return [];
  const lower = version.trim().toLowerCase();
  const numeric = /\d.*$/.exec(lower)?.[0];
  return [
    ...new Set([lower, ...(numeric !== undefined && /\./.test(numeric) ? [numeric, `v${numeric}`] : [])]),
  ];
}

/**
 * Words after the first label that mark a variant build. A lone number after the labels (`gnu-2-17`,
 * `amd64-v3`) is a variant too; a dotted version there is not.
 */
function variantWords(tokens: readonly NameToken[]): string[] {
  return tokens
    .filter((token) => token.role === 'word' || token.role === 'number')
    .map((token) => token.lower);
}

function firstDefined<T>(values: readonly string[], lookup: (value: string) => T | undefined): T | undefined {
  for (const value of values) {
    const found = lookup(value);
    if (found !== undefined) return found;
  }
  return undefined;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
