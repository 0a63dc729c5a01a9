import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import TOML from '@iarna/toml';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { KNOWN_ENTRY_KEYS } from '../../src/config/entry-keys.js';
import { loadAssetConfig } from '../../src/config/load-asset-config.js';
import type { AssetConfig } from '../../src/config/asset-entry.js';
import { makeAppDir } from './helpers.js';

const LAYER = '/layers/example_buildpack/owner_repo';

/** Loads `text` as project.toml; resolves to the config, or to the ConfigError, and rejects on anything else. */
async function loadText(appDir: string, text: string): Promise<AssetConfig | ConfigError | undefined> {
  await writeFile(path.join(appDir, 'project.toml'), text);
  try {
    return await loadAssetConfig({ appDir, env: () => undefined });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
}

function expectDestinationsInsideLayer(result: AssetConfig | ConfigError | undefined): void {
  if (result === undefined || result instanceof ConfigError) return;
  for (const entry of result.entries) {
    if (entry.destination === undefined) continue;
    expect(path.resolve(LAYER, entry.destination).startsWith(LAYER + path.sep)).toBe(true);
  }
}

// Pieces of TOML that reach deep into the loader, so random text is not all rejected at the first byte.
const tomlFragment = fc.oneof(
  fc.constantFrom(
    '[[metadata.githubassets]]\n',
    '[[_.metadata.githubassets]]\n',
    '[_]\nschema-version = "0.2"\n',
    '[metadata]\n',
    'repo = "a/b"\n',
    'asset = "x.tar.gz"\n',
    'destination = "',
    '"\n',
    '../',
    'bin/',
    '/',
    '\\',
    '.',
    '=',
    '"',
    "'",
    '[',
    ']',
    '{',
    '}',
    ',',
    '\n',
    'strip_components = ',
    'include = [',
  ),
  fc.constantFrom(...KNOWN_ENTRY_KEYS).map((key) => `${key} = `),
  fc.string({ maxLength: 12 }),
  fc.integer().map(String),
);

const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  any: fc.oneof(
    { depthSize: 'small' },
    fc.string({ maxLength: 20 }),
    fc.constantFrom(
      '',
      '.',
      '..',
      '/',
      'bin',
      './bin/',
      '../x',
      'a/../..',
      'bin/../..',
      'x/./../y',
      '//x',
      'sha256:',
    ),
    fc.integer({ min: -100, max: 100 }),
    fc.double(),
    fc.boolean(),
    fc.date({ noInvalidDate: true }),
    fc.array(tie('any'), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie('any'), { maxKeys: 3 }),
  ),
})).any;

const pathSegment = fc.oneof(
  fc.constantFrom('', '.', '..', 'bin', 'lib', '...'),
  fc.string({ maxLength: 5 }),
);
const destination = fc.array(pathSegment, { maxLength: 6 }).map((segments) => segments.join('/'));

/** Entries of the right shape, with destinations of any shape: these reach the destination check. */
const plausibleEntry = fc.record(
  {
    repo: fc.constantFrom('owner/repo', 'other/repo'),
    asset: fc.constantFrom('tool', 'tool.tar.gz', 'tool-{os}-{arch}', '*.zip'),
    tag: fc.constantFrom('', 'latest', 'v1.0.0'),
    destination: fc.oneof(
      destination,
      destination.map((text) => `/${text}`),
    ),
    strip_components: fc.integer({ min: 0, max: 3 }),
    launch: fc.constant(true),
    build: fc.boolean(),
  },
  { requiredKeys: ['repo', 'asset'] },
);

/** Entries where any field may hold anything. */
const arbitraryEntry = fc.record(
  {
    repo: fc.oneof(fc.constant('owner/repo'), value),
    asset: fc.oneof(fc.constantFrom('tool', 'x-{bad}'), value),
    ...Object.fromEntries(KNOWN_ENTRY_KEYS.slice(2).map((key) => [key, value])),
    strip_component: value,
  },
  { requiredKeys: [] },
);

const entry = fc.oneof({ weight: 3, arbitrary: plausibleEntry }, { weight: 1, arbitrary: arbitraryEntry });

const document = fc.oneof(
  fc.record({ metadata: fc.record({ githubassets: fc.array(entry, { maxLength: 4 }) }) }),
  fc.record({
    _: fc.record({ 'schema-version': fc.constantFrom('0.1', '0.2', '9') }),
    metadata: fc.oneof(
      fc.record({ githubassets: fc.oneof(fc.array(entry, { maxLength: 3 }), value) }),
      value,
    ),
  }),
  fc.dictionary(fc.string({ maxLength: 8 }), value, { maxKeys: 4 }),
);

/** Serialises like a user would write it; undefined when @iarna/toml cannot express the object. */
function stringify(object: unknown): string | undefined {
  try {
    return TOML.stringify(object as Parameters<typeof TOML.stringify>[0]);
  } catch {
    return undefined;
  }
}

describe('loadAssetConfig on arbitrary input', () => {
  it('throws nothing but ConfigError for TOML-ish text, and keeps destinations inside the layer', async () => {
    const appDir = await makeAppDir();
    await fc.assert(
      fc.asyncProperty(fc.array(tomlFragment, { maxLength: 40 }), async (fragments) => {
        expectDestinationsInsideLayer(await loadText(appDir, fragments.join('')));
      }),
      { numRuns: 400 },
    );
  });

  it('throws nothing but ConfigError for serialised objects, and keeps destinations inside the layer', async () => {
    const appDir = await makeAppDir();
    let loaded = 0;
    await fc.assert(
      fc.asyncProperty(document, async (object) => {
        const text = stringify(object);
        if (text === undefined) return;
        const result = await loadText(appDir, text);
        if (result !== undefined && !(result instanceof ConfigError)) loaded += result.entries.length;
        expectDestinationsInsideLayer(result);
      }),
      { numRuns: 400 },
    );
    // The generators must reach valid entries too, or the destination check proves nothing.
    expect(loaded).toBeGreaterThan(0);
  });

  it('accepts every relative destination that stays inside the layer, and only those', async () => {
    const appDir = await makeAppDir();
    await fc.assert(
      fc.asyncProperty(fc.oneof(destination, fc.string({ maxLength: 12 })), async (written) => {
        const toml = `[[metadata.githubassets]]\nrepo = "a/b"\nasset = "x.tar.gz"\ndestination = ${JSON.stringify(written)}\n`;
        const result = await loadText(appDir, toml);
        if (result instanceof ConfigError || result === undefined) return;
        const stored = result.entries[0]?.destination;
        if (stored === undefined) {
          expect(path.posix.normalize(written).replace(/\/+$/, '')).toBe('.');
        } else {
          expect(path.resolve(LAYER, stored).startsWith(LAYER + path.sep)).toBe(true);
          expect(stored).toBe(path.posix.normalize(written).replace(/\/+$/, ''));
        }
      }),
      { numRuns: 400 },
    );
  });
});
