import { describe, expect, it } from 'vitest';
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
