import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAssetConfig } from '../../src/config/load-asset-config.js';
import { readSettings } from '../../src/settings.js';
import { configErrorOf, entryToml, loadToml, makeAppDir, messageOf } from './helpers.js';
import { assetEntry } from '../helpers/asset-entry.js';

const fixture = (name: string): Promise<string> =>
  readFile(path.join(import.meta.dirname, 'fixtures', name), 'utf8');

/** What a seed entry should become. */
const seed = assetEntry;

describe('loadAssetConfig: the configurations github-assets-cnb users wrote', () => {
  it('reads every seed entry unchanged, with no warnings', async () => {
    const config = await loadToml(await fixture('github-assets-cnb-sample.toml'));
    expect(config?.warnings).toEqual([]);
    expect(config?.file).toBe('project.toml');
    expect(config?.entries).toEqual([
      seed(1, 'grpc-ecosystem/grpc-health-probe', 'grpc_health_probe-linux-amd64', {
        destination: 'bin/grpc_health_probe',
      }),
      seed(2, 'kkdai/youtube', 'youtubedr_2.7.0_linux_arm64.tar.gz', { destination: 'bin' }),
      seed(3, 'stedolan/jq', 'jq-linux64', { destination: 'bin/jq' }),
      seed(4, 'qeek-dev/apitest-toolchain', 'apitest-toolchain-linux-amd64', {
        destination: 'bin/apitest-toolchain',
        tag: 'v0.1.0',
        tokenEnv: 'APITEST_TOOLCHAIN_TOKEN',
      }),
      seed(5, 'BtbN/FFmpeg-Builds', 'ffmpeg-N-102569-g36b16a30db-linux64-gpl-shared.tar.xz', {
        stripComponents: 1,
      }),
      seed(6, 'nats-io/go-nats-examples', 'go-nats-examples-v0.1.0-linux-amd64.zip', { destination: 'bin' }),
      seed(7, 'GoogleContainerTools/skaffold', 'skaffold-linux-amd64', { destination: 'bin/skaffold' }),
    ]);
  });

  it('reads the same entries from a file named by GITHUB_ASSETS_PATH', async () => {
    const appDir = await makeAppDir({ 'config/assets.toml': await fixture('github-assets-cnb-sample.toml') });
    const vars: Record<string, string> = { GITHUB_ASSETS_PATH: 'config/assets.toml' };
    const config = await loadAssetConfig({ appDir, env: (name) => vars[name] });
    expect(config?.file).toBe('config/assets.toml');
    expect(config?.entries).toHaveLength(7);
  });
});

describe('loadAssetConfig: project descriptor schemas', () => {
  it('reads [[_.metadata.githubassets]] from a schema 0.2 descriptor, every field set', async () => {
    const config = await loadToml(await fixture('schema-02-project.toml'));
    expect(config?.warnings).toEqual([]);
    expect(config?.entries).toEqual([
      seed(1, 'cli/cli', 'gh_{version}_{os}_{arch}.tar.gz', {
        tag: 'v2.40.0',
        tokenEnv: 'GH_TOKEN',
        destination: 'tools',
        stripComponents: 1,
        checksums: 'gh_{version}_checksums.txt',
        include: ['bin/gh', 'share/man/**'],
        launch: false,
        build: true,
      }),
      seed(2, 'stedolan/jq', 'jq-linux64', {
        sha256: 'af986793a515d500ab2d35f8d2aecd656e764504b789b66d7e1a0b727a124c44',
      }),
    ]);
  });

  it('uses the table that matches the declared schema when both are present, and warns', async () => {
    const both = `[_]\nschema-version = "0.2"\n[[_.metadata.githubassets]]\nrepo = "a/b"\nasset = "x"\n${entryToml()}`;
    const config = await loadToml(both);
    expect(config?.entries.map((entry) => entry.repo)).toEqual(['a/b']);
    expect(config?.warnings).toEqual([
      expect.stringMatching(/^project\.toml: both .* only \[\[_\.metadata\.githubassets\]\] is read/),
    ]);

    const schema01 = `[_]\nschema-version = "0.1"\n[[_.metadata.githubassets]]\nrepo = "a/b"\nasset = "x"\n${entryToml()}`;
    expect((await loadToml(schema01))?.entries.map((entry) => entry.repo)).toEqual(['stedolan/jq']);
  });

  it('reads the table of the other schema when it is the only one, with a warning', async () => {
    const config = await loadToml(`[[_.metadata.githubassets]]\nrepo = "a/b"\nasset = "x"\n`);
    expect(config?.entries.map((entry) => entry.repo)).toEqual(['a/b']);
    expect(config?.warnings[0]).toContain('declares schema 0.1');

    const schema02 = await loadToml(`[_]\nschema-version = "0.2"\n${entryToml()}`);
    expect(schema02?.entries).toHaveLength(1);
    expect(schema02?.warnings[0]).toContain('Use [[_.metadata.githubassets]]');
  });

  it('warns about an unknown schema-version and reads the file as 0.2', async () => {
    const config = await loadToml(
      `[_]\nschema-version = "0.3"\n[[_.metadata.githubassets]]\nrepo = "a/b"\nasset = "x"\n`,
    );
    expect(config?.entries).toHaveLength(1);
    expect(config?.warnings[0]).toContain('_.schema-version is "0.3" (a string)');
  });

  it('gives no entries for a project.toml without any, or with an empty list', async () => {
    expect(await loadToml('[project]\nid = "my-app"\n')).toEqual({
      file: 'project.toml',
      entries: [],
      warnings: [],
    });
    expect((await loadToml('[metadata]\ngithubassets = []\n'))?.entries).toEqual([]);
    expect((await loadToml(''))?.entries).toEqual([]);
  });

  it('reads an entry with only repo: the asset is picked at build time, and binaries are checked', async () => {
    const config = await loadToml('[[metadata.githubassets]]\nrepo = "grpc-ecosystem/grpc-health-probe"\n');
    expect(config?.entries).toEqual([seed(1, 'grpc-ecosystem/grpc-health-probe', undefined)]);
    expect(config?.warnings).toEqual([]);
    const optedOut = await loadToml('[[metadata.githubassets]]\nrepo = "ziglang/zig"\narch_check = false\n');
    expect(optedOut?.entries[0]?.archCheck).toBe(false);
  });

  it('warns that one sha256 cannot pin the build picked for each platform', async () => {
    const config = await loadToml(`[[metadata.githubassets]]\nrepo = "a/b"\nsha256 = "${'a'.repeat(64)}"\n`);
    expect(config?.warnings[0]).toContain(
      'without asset the buildpack picks a different build for each platform',
    );
  });

  it('accepts entries written as inline tables', async () => {
    const config = await loadToml(
      '[metadata]\ngithubassets = [{ repo = "stedolan/jq", asset = "jq-linux64" }]\n',
    );
    expect(config?.entries[0]?.repo).toBe('stedolan/jq');
  });

  it('warns, rather than fails, about a misplaced table when the real entries are present', async () => {
    const config = await loadToml(`${entryToml()}[[githubassets]]\nrepo = "a/b"\nasset = "x"\n`);
    expect(config?.entries).toHaveLength(1);
    expect(config?.warnings[0]).toContain('[[githubassets]] is not read');
  });

  it('accepts a byte order mark at the start of the file', async () => {
    const config = await loadToml(`\uFEFF${entryToml()}`);
    expect(config?.entries).toHaveLength(1);
  });
});

describe('loadAssetConfig: which file', () => {
  it('returns undefined when there is no project.toml and GITHUB_ASSETS_PATH is unset', async () => {
    const appDir = await makeAppDir();
    expect(await loadAssetConfig({ appDir, env: () => undefined })).toBeUndefined();
  });

  it('reads a relative GITHUB_ASSETS_PATH instead of project.toml, and names it in messages', async () => {
    const appDir = await makeAppDir({
      'project.toml': entryToml('strip_components = "1"'),
      'deploy/assets.toml': entryToml('', 'kkdai/youtube', 'youtubedr_2.7.0_linux_arm64.tar.gz'),
      'deploy/bad.toml': entryToml('strip_components = "1"'),
    });
    const load = (value: string) =>
      loadAssetConfig({ appDir, env: (name) => (name === 'GITHUB_ASSETS_PATH' ? value : undefined) });
    expect((await load('./deploy/assets.toml'))?.entries[0]?.repo).toBe('kkdai/youtube');
    expect(await messageOf(load('deploy/bad.toml'))).toMatch(
      /^deploy\/bad\.toml: entry 1 \(stedolan\/jq\): strip_components/,
    );
  });

  it('fails, naming the variable, when GITHUB_ASSETS_PATH names a file that does not exist', async () => {
    const appDir = await makeAppDir({ 'project.toml': entryToml() });
    const message = await messageOf(
      loadAssetConfig({ appDir, env: (name) => (name === 'GITHUB_ASSETS_PATH' ? 'aa.toml' : undefined) }),
    );
    expect(message).toBe(
      'GITHUB_ASSETS_PATH names aa.toml, but there is no such file in the app dir. Create it, or correct or unset GITHUB_ASSETS_PATH.',
    );
  });

  it.each([
    ['../assets.toml', 'which climbs out of the app dir'],
    ['config/../../assets.toml', 'which climbs out of the app dir'],
    ['', 'which names no file'],
    ['.', 'which is the app dir itself'],
    ['a\0b.toml', 'which holds a NUL character'],
  ])('refuses GITHUB_ASSETS_PATH=%j', async (value, fragment) => {
    const appDir = await makeAppDir({ 'project.toml': entryToml() });
    const message = await messageOf(
      loadAssetConfig({ appDir, env: (name) => (name === 'GITHUB_ASSETS_PATH' ? value : undefined) }),
    );
    expect(message).toMatch(/^GITHUB_ASSETS_PATH is /);
    expect(message).toContain(fragment);
  });

  it('reads an absolute GITHUB_ASSETS_PATH inside the app dir as it is', async () => {
    const appDir = await makeAppDir({ 'config/assets.toml': entryToml() });
    const absolute = path.join(appDir, 'config', 'assets.toml');
    const config = await loadAssetConfig({
      appDir,
      env: (name) => (name === 'GITHUB_ASSETS_PATH' ? absolute : undefined),
    });
    expect(config?.entries).toHaveLength(1);
  });

  it('joins any other absolute GITHUB_ASSETS_PATH to the app dir, as github-assets-cnb did', async () => {
    const appDir = await makeAppDir({ 'etc/assets.toml': entryToml() });
    const config = await loadAssetConfig({
      appDir,
      env: (name) => (name === 'GITHUB_ASSETS_PATH' ? '/etc/assets.toml' : undefined),
    });
    expect(config?.entries).toHaveLength(1);
  });

  it('fails clearly when project.toml is a directory, or GITHUB_ASSETS_PATH names one', async () => {
    const appDir = await makeAppDir({ 'project.toml/readme': 'x', 'conf/readme': 'x' });
    expect(await messageOf(loadAssetConfig({ appDir, env: () => undefined }))).toContain(
      'project.toml is a directory, not a file.',
    );
    expect(await messageOf(loadAssetConfig({ appDir, env: () => 'conf' }))).toContain(
      'conf is a directory, not a file.',
    );
  });

  it('fails clearly when the file is not UTF-8', async () => {
    const appDir = await makeAppDir({
      'project.toml': new Uint8Array([0x72, 0x65, 0x70, 0x6f, 0x20, 0x3d, 0x20, 0xff, 0xfe]),
    });
    expect(await messageOf(loadAssetConfig({ appDir, env: () => undefined }))).toBe(
      'project.toml is not UTF-8 text. Save it as UTF-8.',
    );
  });
});

describe('loadAssetConfig: malformed TOML', () => {
  it('names the file, the line and column, and the reason', async () => {
    const message = await configErrorOf('[[metadata.githubassets]]\nrepo = "stedolan/jq"\nasset = = "jq"\n');
    expect(message).toBe(
      'project.toml: line 3, column 9: the file is not valid TOML: Unexpected character, expecting string, ' +
        'number, datetime, boolean, inline array or inline table. Fix the syntax at that spot (see https://toml.io).',
    );
  });

  it('never shows the offending line, which may hold a secret', async () => {
    const message = await configErrorOf('[[build.env]]\nname = "TOKEN"\nvalue = "hunter2-secret\n');
    expect(message).toContain('line 3');
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain('\n');
  });
});

describe('loadAssetConfig: provenance fields', () => {
  const withProvenance = (provenance: string, signerWorkflow: string) =>
    `[[metadata.githubassets]]\nrepo = "acme/tool"\nasset = "tool.tar.gz"\nprovenance = "${provenance}"\nsigner_workflow = "${signerWorkflow}"\n`;

  it('reads provenance and signer_workflow', async () => {
    const config = await loadToml(withProvenance('Required', 'acme/ci/.github/workflows/release.yml'));
    expect(config?.warnings).toEqual([]);
    expect(config?.entries[0]).toMatchObject({
      provenance: 'required',
      signerWorkflow: 'acme/ci/.github/workflows/release.yml',
    });
  });

  it('names the entry, the field and the fix for bad values, all at once', async () => {
    const message = await configErrorOf(
      withProvenance('strict', 'https://github.com/acme/ci/.github/workflows/release.yml@v1'),
    );
    expect(message).toContain('entry 1 (acme/tool): provenance must be "auto", "required" or "off"');
    expect(message).toContain('signer_workflow = "acme/ci/.github/workflows/release.yml"');
  });

  it('reads BP_GITHUB_ASSETS_PROVENANCE, with the fix for a bad value', () => {
    expect(readSettings(() => undefined).provenance).toBe('auto');
    expect(
      readSettings((name) => (name === 'BP_GITHUB_ASSETS_PROVENANCE' ? 'OFF' : undefined)).provenance,
    ).toBe('off');
    expect(() =>
      readSettings((name) => (name === 'BP_GITHUB_ASSETS_PROVENANCE' ? 'yes' : undefined)),
    ).toThrow(/BP_GITHUB_ASSETS_PROVENANCE must be auto, required or off/);
  });
});
