import type { FoundContent } from './archive-errors.js';
import { detectOuterFormat } from './asset-format.js';

const CHECK_THE_SOURCE =
  'Check the asset name in the configuration against the release page, and that the download URL (or the ' +
  'mirror in use) serves the asset itself.';

const EXECUTABLES: readonly (readonly [Buffer, string])[] = [
  [Buffer.from([0x7f, 0x45, 0x4c, 0x46]), 'an ELF executable (a bare Linux program)'],
  [Buffer.from([0xcf, 0xfa, 0xed, 0xfe]), 'a Mach-O executable (a bare macOS program)'],
  [Buffer.from([0xca, 0xfe, 0xba, 0xbe]), 'a Mach-O universal executable (a bare macOS program)'],
  [Buffer.from('MZ', 'latin1'), 'a Windows executable'],
];

const COMPRESSED_NAMES: Readonly<Record<string, string>> = {
  gz: 'gzip data',
  xz: 'xz data',
  bz2: 'bzip2 data',
  zst: 'zstd data',
  zip: 'a zip archive',
  tar: 'a tar archive',
};

/**
 * Says what the first bytes of some content are, for an asset whose bytes are not the archive its name
 * promises: empty, a web page or an API error answer (what a proxy, a mirror or a storage service sends
 * instead of the file), a bare program, text, or unknown data. The advice fits what was found.
 */
export function describeContent(head: Buffer): FoundContent {
  if (head.length === 0) {
    return {
      kind: 'empty',
      what: 'nothing (0 bytes)',
      description: 'it is empty (0 bytes)',
      advice:
        'The release holds an empty file under this name (a failed upload), or the download stopped before ' +
        'its first byte. Check the size on the release page; if it is 0, the publisher must upload it again.',
    };
  }
  // A byte-order mark and leading blank lines are common before markup.
  const text = head
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (/^(<!doctype html|<html|<head|<body|<!--|<meta|<title)/i.test(text)) {
    return {
      kind: 'web page',
      what: 'a web page (HTML)',
      description: 'the server answered with a web page (HTML) instead of the file',
      advice:
        'That is usually a sign-in, error or rate-limit page from a proxy, a mirror or a captive portal. ' +
        CHECK_THE_SOURCE,
    };
  }
  if (/^<\?xml/i.test(text)) {
    return {
      kind: 'other',
      what: 'an XML document',
      description: 'its bytes are an XML document (typically an error answer from a storage service)',
      advice: CHECK_THE_SOURCE,
    };
  }
  if (/^[{[]\s*["{[\]}]/.test(text)) {
    return {
      kind: 'other',
      what: 'JSON text',
      description: 'its bytes are JSON text (typically an API error answer) instead of the file',
      advice: CHECK_THE_SOURCE,
    };
  }
  const executable = EXECUTABLES.find(([magic]) => head.subarray(0, magic.length).equals(magic));
  if (executable !== undefined) {
    return {
      kind: 'other',
      what: executable[1],
      description: `its bytes are ${executable[1]}, not an archive`,
      advice:
        'The release publishes the program itself under an archive name. Use another asset of the release, ' +
        'or ask its publisher to fix the name.',
    };
  }
  const format = detectOuterFormat(head, '');
  const what =
    format !== 'raw'
      ? (COMPRESSED_NAMES[format] ?? format)
      : isText(head)
        ? 'plain text'
        : 'data in no format this buildpack knows';
  return { kind: 'other', what, description: `its bytes are ${what}`, advice: CHECK_THE_SOURCE };
}

/** Whether the bytes decode as UTF-8 text with no control characters besides tab, newlines and form feed. */
function isText(head: Buffer): boolean {
  // The head may end inside a multi-byte character; a few bytes less decide as well.
  const sample = head.subarray(0, Math.max(0, head.length - 3));
  if (sample.some((byte) => (byte < 0x20 && !TEXT_CONTROLS.has(byte)) || byte === 0x7f)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample);
    return true;
  } catch {
    return false;
  }
}

const TEXT_CONTROLS = new Set([0x09, 0x0a, 0x0b, 0x0c, 0x0d]);
