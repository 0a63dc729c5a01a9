import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configErrorOf } from './helpers.js';

const CORPUS_DIR = path.join(import.meta.dirname, '..', '..', 'fixtures', 'bad-config');

/** Each file of fixtures/bad-config and the fragments its message must hold. */
const EXPECTED: Readonly<Record<string, readonly string[]>> = {
  'repo-missing.toml': ['project.toml: entry 1: repo is missing. Add repo = "owner/name"'],
  'repo-without-slash.toml': [
    'entry 1: repo must be "owner/name" as on GitHub',
    'but is "jq" (a string)',
    'repo = "stedolan/jq"',
  ],
  'repo-with-two-slashes.toml': ['but is "stedolan/jq/releases" (a string). Write repo = "stedolan/jq".'],
  'repo-as-url.toml': ['but is "https://github.com/stedolan/jq.git" (a string). Write repo = "stedolan/jq".'],
  'repo-not-a-string.toml': ['repo must be a string "owner/name", but is 42 (a whole number)'],
  'arch-check-not-a-boolean.toml': [
    'entry 1 (ziglang/zig): arch_check must be true or false, but is "no" (a string). Write arch_check = true or arch_check = false.',
  ],
  'asset-empty.toml': ['entry 1 (stedolan/jq): asset must name a release file, but is "" (a string).'],
  'asset-as-url.toml': ['not a path or URL', 'Write only the file name: asset = "jq-linux64".'],
  'asset-unknown-placeholder.toml': [
    'entry 1 (cli/cli): asset holds the unknown placeholder {platform}',
    'Use only {tag}, {version}, {os}, {arch} and {libc}.',
  ],
  'tag-not-a-string.toml': [
    'tag must be a string, but is 1.6 (a fractional number). Write the tag in quotes',
  ],
  'tag-a-date.toml': ['tag must be a string, but is 2021-01-01 (a date).'],
  'tag-with-space.toml': ['tag cannot contain spaces', 'Write tag = "jq-1.6".'],
  'token-env-not-a-name.toml': [
    'entry 1 (qeek-dev/apitest-toolchain): token_env must be an environment variable name',
    'but is "APITEST-TOKEN" (a string)',
  ],
  'destination-absolute.toml': [
    'destination must be a relative path',
    'which is an absolute path',
    'destination = "usr/local/bin/jq"',
  ],
  'destination-escapes-layer.toml': [
    'but is "bin/../../../etc/jq" (a string), which climbs out of the layer',
  ],
  'destination-backslash.toml': ['which contains a backslash', 'destination = "bin/jq"'],
  'destination-not-a-string.toml': ['destination must be a path inside the layer, but is true (a boolean)'],
  'strip-components-string.toml': [
    'project.toml: entry 2 (grpc-ecosystem/grpc-health-probe): strip_components must be a whole number from 0 to 64, but is "1" (a string). Write strip_components = 1 without quotes.',
  ],
  'strip-components-negative.toml': [
    'strip_components must be a whole number from 0 to 64, but is -1 (a whole number).',
  ],
  'strip-components-too-large.toml': ['but is 65 (a whole number)'],
  'strip-components-huge.toml': ['but is a whole number too large to use.'],
  'strip-components-fraction.toml': ['but is 1.5 (a fractional number)'],
  'sha256-wrong-length.toml': ['sha256 must be 64 hex digits', 'which has 63 hex digits'],
  'sha256-not-hex.toml': ['which holds characters other than hex digits'],
  'checksums-empty.toml': ['entry 1 (cli/cli): checksums must name a release file, but is "" (a string).'],
  'checksums-unknown-placeholder.toml': ['checksums holds the unknown placeholder {release}'],
  'include-a-string.toml': [
    'include must be an array of globs, but is "youtubedr" (a string). Write include = ["youtubedr"]',
  ],
  'include-empty.toml': ['include must list at least one glob'],
  'include-non-string-item.toml': ['item 2 is 7 (a whole number) and item 3 is "" (a string)'],
  'launch-quoted.toml': [
    'launch must be true or false, but is "true" (a string). Write launch = true without quotes.',
  ],
  'build-a-number.toml': ['build must be true or false, but is 1 (a whole number).'],
  'launch-and-build-false.toml': ['launch and build are both false'],
  'entry-not-a-table.toml': [
    'entry 1: each entry must be a table with repo (and optionally asset), but this one is "stedolan/jq" (a string).',
  ],
  'githubassets-single-brackets.toml': [
    'metadata.githubassets must be an array of tables',
    'double brackets',
  ],
  'metadata-not-a-table.toml': ['metadata must be a table, but is "githubassets" (a string).'],
  'githubassets-at-top-level.toml': ['[[githubassets]] is not read', '[[metadata.githubassets]]'],
  'github-assets-cnb-1x-format.toml': [
    '[[metadata.githubasset]] is not read',
    'file, target and version to asset, destination and tag',
  ],
  'same-destination.toml': [
    'entry 1 (stedolan/jq) and entry 2 (stedolan/jq) both write destination bin/jq',
    'Give one of them a different destination',
  ],
  'same-default-destination.toml': ['both write destination bin/jq-linux64'],
  'identical-archive-entries.toml': [
    'entry 1 (kkdai/youtube) and entry 2 (kkdai/youtube) are identical. Remove one of them.',
  ],
  'file-where-directory-needed.toml': ['both write under bin (a file for one, a directory for the other)'],
  'malformed-toml.toml': [
    'project.toml: line 5, column 22: the file is not valid TOML: Unterminated string.',
  ],
  'key-defined-twice.toml': ['project.toml: line 5, column 21:', "Can't redefine existing key"],
  'several-problems.toml': [
    'entry 1 (stedolan/jq): strip_components',
    'entry 2 (grpc-ecosystem/grpc-health-probe): asset must name a release file',
    'entry 2 (grpc-ecosystem/grpc-health-probe): destination must be a relative path',
  ],
  'schema-02-bad-entry.toml': [
    'entry 1 (stedolan/jq): destination',
    'but is "../jq" (a string), which climbs out',
  ],
};

describe('the bad-config corpus', async () => {
  const files = (await readdir(CORPUS_DIR)).filter((name) => name.endsWith('.toml')).sort();

  it('has an expectation for every file, and a file for every expectation', () => {
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(files)('%s is refused with a message that says why and what to do', async (name) => {
    const message = await configErrorOf(await readFile(path.join(CORPUS_DIR, name), 'utf8'));
    for (const fragment of EXPECTED[name] ?? []) expect(message).toContain(fragment);

    // One paragraph per problem, each naming the file and none carrying internals.
    const paragraphs = message.split('\n\n');
    expect(paragraphs.length).toBe(name === 'several-problems.toml' ? 3 : 1);
    for (const paragraph of paragraphs) {
      expect(paragraph).toMatch(/^project\.toml: /);
      expect(paragraph).not.toContain('\n');
      expect(paragraph).not.toMatch(/undefined|\[object |NaN|at row/);
      expect(paragraph).toMatch(/\.$/);
    }
  });
});
