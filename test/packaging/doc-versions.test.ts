/**
 * One set of versions across the README and examples/: every buildpack pinned in more than one place is
 * pinned to the same version everywhere, and this buildpack's version is package.json's. (examples/renovate
 * is left out: it shows how versions get bumped, not which ones to use.)
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

const OWN_ID = 'githubassets/github-release-assets';
const { version: ownVersion } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'renovate' ? [] : filesUnder(path);
    return [path];
  });
}

const DOCS = [join(ROOT, 'README.md'), ...filesUnder(join(ROOT, 'examples'))];

/** paketo-buildpacks/go (an id) and paketobuildpacks/go (its image) are one buildpack. */
function buildpackKey(name: string): string {
  return name.replace(/^paketobuildpacks\//, 'paketo-buildpacks/');
}

/** Every (buildpack, version, where) pinned in a text: image refs, id@version, and TOML id + version. */
function pins(text: string): { key: string; version: string }[] {
  const found: { key: string; version: string }[] = [];
  const ref =
    /\b((?:paketo-buildpacks|paketobuildpacks|githubassets|heroku)\/[a-z0-9-]+)[:@](\d+\.\d+\.\d+)\b/g;
  for (const match of text.matchAll(ref))
    found.push({ key: buildpackKey(match[1] ?? ''), version: match[2] ?? '' });
  const toml = /\bid\s*=\s*"([^"]+\/[^"]+)"\s*\n\s*version\s*=\s*"(\d+\.\d+\.\d+)"/g;
  for (const match of text.matchAll(toml))
    found.push({ key: buildpackKey(match[1] ?? ''), version: match[2] ?? '' });
  const tarball = /\bgithubassets_github-release-assets-(\d+\.\d+\.\d+)-linux-/g;
  for (const match of text.matchAll(tarball)) found.push({ key: OWN_ID, version: match[1] ?? '' });
  return found;
}

const byBuildpack = new Map<string, Map<string, string[]>>();
for (const file of DOCS) {
  for (const { key, version } of pins(readFileSync(file, 'utf8'))) {
    const versions = byBuildpack.get(key) ?? new Map<string, string[]>();
    versions.set(version, [...(versions.get(version) ?? []), relative(ROOT, file)]);
    byBuildpack.set(key, versions);
  }
}

describe('versions in the README and examples', () => {
  it('finds the pins it checks (this buildpack and the Paketo ones)', () => {
    expect(byBuildpack.get(OWN_ID)?.size).toBeGreaterThan(0);
    expect(byBuildpack.get('paketo-buildpacks/go')?.size).toBeGreaterThan(0);
  });

  it('this buildpack is pinned at package.json’s version everywhere', () => {
    expect(Object.fromEntries(byBuildpack.get(OWN_ID) ?? [])).toEqual({
      [ownVersion]: expect.any(Array) as unknown,
    });
  });

  it.each([...byBuildpack.keys()].filter((key) => key !== OWN_ID))('%s has one version everywhere', (key) => {
    const versions = Object.fromEntries(byBuildpack.get(key) ?? []);
    expect(Object.keys(versions), JSON.stringify(versions)).toHaveLength(1);
  });
});
