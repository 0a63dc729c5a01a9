import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAssetConfig } from '../../src/config/load-asset-config.js';

// The Renovate example's regex managers are run, as Renovate runs them, over every example project.toml and
// over tricky layouts, and must find exactly the entries that have a tag, with the right repo.

const ROOT = path.resolve(import.meta.dirname, '../..');
const EXAMPLES = path.join(ROOT, 'examples');

interface Manager {
  readonly customType: string;
  readonly managerFilePatterns: readonly string[];
  readonly matchStrings: readonly string[];
  readonly datasourceTemplate: string;
}

async function managers(): Promise<Manager[]> {
  const config = JSON.parse(await readFile(path.join(EXAMPLES, 'renovate', 'renovate.json'), 'utf8')) as {
    customManagers: Manager[];
  };
  return config.customManagers;
}

/** Every (depName, currentValue) the managers extract from a file's text. */
async function extract(text: string): Promise<[string, string][]> {
  const found: [string, string][] = [];
  for (const manager of await managers()) {
    for (const source of manager.matchStrings) {
      for (const match of text.matchAll(new RegExp(source, 'g'))) {
        found.push([match.groups?.['depName'] ?? '', match.groups?.['currentValue'] ?? '']);
      }
    }
  }
  return found.sort();
}

/** What the buildpack itself reads: each entry's repo and tag. */
async function entriesWithTags(appDir: string): Promise<[string, string][]> {
  const config = await loadAssetConfig({ appDir, env: () => undefined });
  return (config?.entries ?? [])
    .filter((entry) => entry.tag !== undefined)
    .map((entry): [string, string] => [entry.repo, entry.tag ?? ''])
    .sort();
}

describe('examples/renovate', () => {
  it('is a regex manager on project.toml with the github-releases datasource', async () => {
    for (const manager of await managers()) {
      expect(manager.customType).toBe('regex');
      expect(manager.datasourceTemplate).toBe('github-releases');
      const pattern = manager.managerFilePatterns[0] ?? '';
      const fileRegex = new RegExp(pattern.slice(1, -1));
      expect(['project.toml', 'apps/web/project.toml'].every((f) => fileRegex.test(f))).toBe(true);
      expect(fileRegex.test('my-project.toml')).toBe(false);
    }
  });

  it('finds the tag of every entry of every example project.toml, and nothing else', async () => {
    const dirs = (await readdir(EXAMPLES, { withFileTypes: true })).filter((d) => d.isDirectory());
    let checked = 0;
    for (const dir of dirs) {
      const appDir = path.join(EXAMPLES, dir.name);
      const text = await readFile(path.join(appDir, 'project.toml'), 'utf8').catch(() => undefined);
      if (text === undefined) continue;
      expect(await extract(text), dir.name).toEqual(await entriesWithTags(appDir));
      checked += 1;
    }
    expect(checked).toBeGreaterThanOrEqual(3);
  });

  it('keeps each match inside its entry: tag before repo, arrays, blank lines, entries without a tag', async () => {
    const text = [
      '[[metadata.githubassets]]',
      'repo = "a/no-tag"',
      'asset = "x"',
      'include = ["bin/x", "share/[a]"]',
      '',
      '[[metadata.githubassets]]',
      'tag = "v2.0.0"',
      '',
      'repo = "b/tag-first"',
      'asset = "y"',
      '',
      '[[metadata.githubassets]]',
      '  repo = "c/indented"',
      '  sha256 = { "linux/amd64" = "' + 'a'.repeat(64) + '" }',
      '  tag = "release-3"',
      '',
      '[other]',
      'tag = "not-an-entry"',
      '',
    ].join('\n');
    expect(await extract(text)).toEqual([
      ['b/tag-first', 'v2.0.0'],
      ['c/indented', 'release-3'],
    ]);
  });
});
