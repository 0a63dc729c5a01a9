import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AssetEntry } from '../../src/config/asset-entry.js';
import { looksLikeArchive } from '../../src/config/archive-name.js';
import { ConfigProblems } from '../../src/config/config-problems.js';
import { reportConflictingEntries } from '../../src/config/find-conflicting-entries.js';
import { assetEntry } from '../helpers/asset-entry.js';
import { configErrorOf, entryToml, loadToml } from './helpers.js';

describe('entries that would overwrite each other', () => {
  it('allows two archives of one repo into the same directory', async () => {
    const toml =
      entryToml('destination = "bin"', 'a/b', 'one.tar.gz') +
      entryToml('destination = "bin"', 'a/b', 'two.zip');
    expect((await loadToml(toml))?.entries).toHaveLength(2);
  });

  it('allows the same destination in different repos, which get different layers', async () => {
    const toml =
      entryToml('destination = "bin/tool"', 'a/one', 'tool') +
      entryToml('destination = "bin/tool"', 'a/two', 'tool');
    expect((await loadToml(toml))?.entries).toHaveLength(2);
  });

  it('allows a raw file inside the directory an archive unpacks into', async () => {
    const toml =
      entryToml('destination = "bin"', 'a/b', 'tools.tar.gz') +
      entryToml('destination = "bin/jq"', 'a/b', 'jq');
    expect((await loadToml(toml))?.entries).toHaveLength(2);
  });

  it('refuses a raw file whose default path is another entry’s destination', async () => {
    const toml = entryToml('', 'a/b', 'jq') + entryToml('destination = "bin/jq"', 'a/b', 'jq-linux64');
    expect(await configErrorOf(toml)).toBe(
      'project.toml: entry 1 (a/b) and entry 2 (a/b) both write destination bin/jq in the layer of a/b, so one ' +
        'would overwrite the other. Give one of them a different destination, or remove one.',
    );
  });

  it('refuses a raw file where an archive unpacks', async () => {
    const toml =
      entryToml('destination = "tools"', 'a/b', 'x.tar.gz') +
      entryToml('destination = "tools"', 'a/b', 'tool');
    expect(await configErrorOf(toml)).toContain(
      'entry 1 (a/b) and entry 2 (a/b) both write destination tools',
    );
  });

  it('names every clashing pair', async () => {
    const toml = entryToml('', 'a/b', 'x') + entryToml('', 'a/b', 'x') + entryToml('', 'a/b', 'x');
    const message = await configErrorOf(toml);
    expect(message.split('\n\n')).toEqual([
      expect.stringContaining('entry 1 (a/b) and entry 2 (a/b) are identical'),
      expect.stringContaining('entry 1 (a/b) and entry 3 (a/b) are identical'),
      expect.stringContaining('entry 2 (a/b) and entry 3 (a/b) are identical'),
    ]);
  });
});

/** The plain pairwise check the indexed one must agree with: every pair, in configuration order. */
function pairwiseConflicts(entries: readonly AssetEntry[]): string[] {
  const found: string[] = [];
  const footprint = (entry: AssetEntry) =>
    entry.asset === undefined || looksLikeArchive(entry.asset)
      ? { path: entry.destination ?? '', isFile: false }
      : { path: entry.destination ?? `bin/${entry.asset}`, isFile: true };
  entries.forEach((first, i) => {
    for (const second of entries.slice(i + 1)) {
      if (first.repo !== second.repo) continue;
      const a = footprint(first);
      const b = footprint(second);
      const identical = JSON.stringify({ ...first, index: 0 }) === JSON.stringify({ ...second, index: 0 });
      const clash =
        (a.isFile && (b.path === a.path || b.path.startsWith(`${a.path}/`))) ||
        (b.isFile && (a.path === b.path || a.path.startsWith(`${b.path}/`)));
      if (identical || clash) found.push(`entry ${first.index} (${first.repo}) and entry ${second.index} (`);
    }
  });
  return found;
}

function conflicts(entries: readonly AssetEntry[]): string[] {
  const problems = new ConfigProblems('project.toml');
  reportConflictingEntries(entries, problems);
  return problems.errors;
}

describe('the conflict check at scale', () => {
  it('checks 10,000 entries of one repo, finding only the one real clash', () => {
    const entries = Array.from({ length: 10_000 }, (_, i) =>
      i % 2 === 0
        ? assetEntry(i + 1, 'a/b', `tool-${i}`)
        : assetEntry(i + 1, 'a/b', `kit-${i}.tar.gz`, { destination: 'opt' }),
    );
    entries.push(assetEntry(10_001, 'a/b', 'other', { destination: 'bin/tool-0' }));
    expect(conflicts(entries)).toEqual([
      'project.toml: entry 1 (a/b) and entry 10001 (a/b) both write destination bin/tool-0 in the layer of a/b, ' +
        'so one would overwrite the other. Give one of them a different destination, or remove one.',
    ]);
  });

  it('finds the same pairs, in the same order, as checking every pair', () => {
    const entryArbitrary = fc.record({
      repo: fc.constantFrom('a/b', 'a/c'),
      asset: fc.constantFrom('x', 'y', 'x.tar.gz', 'y.zip'),
      destination: fc.constantFrom(undefined, 'bin', 'bin/x', 'bin/x/y', 'opt', 'bin/y'),
      stripComponents: fc.constantFrom(0, 1),
    });
    fc.assert(
      fc.property(fc.array(entryArbitrary, { maxLength: 12 }), (specs) => {
        const entries = specs.map((spec, i) =>
          assetEntry(i + 1, spec.repo, spec.asset, {
            destination: spec.destination,
            stripComponents: spec.stripComponents,
          }),
        );
        const expected = pairwiseConflicts(entries);
        const actual = conflicts(entries);
        expect(actual).toHaveLength(expected.length);
        actual.forEach((message, i) => expect(message).toContain(expected[i]));
      }),
    );
  });
});
