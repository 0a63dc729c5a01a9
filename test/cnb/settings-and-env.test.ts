import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPlatformEnv, readServiceBindings } from '../../src/cnb/platform-env.js';
import { readTarget } from '../../src/cnb/target.js';
import { chooseMirror, readSettings } from '../../src/settings.js';
import { resolveToken } from '../../src/install/resolve-token.js';
import { createLogger } from '../../src/log/logger.js';
import { tempDir } from '../helpers/temp-dir.js';

const lookup = (values: Record<string, string>) => (name: string) => values[name];

describe('readSettings', () => {
  it('has defaults that need no configuration', () => {
    const settings = readSettings(lookup({}));
    expect(settings.apiUrl).toBe('https://api.github.com');
    expect(settings.concurrency).toBe(4);
    expect(settings.maxWaitMs).toBe(60_000);
    expect(settings.sbom).toBe(true);
    expect(settings.requireChecksum).toBe(false);
  });

  it('reads the GHES API URL from BP_GITHUB_API_URL, else GITHUB_API_URL', () => {
    expect(readSettings(lookup({ GITHUB_API_URL: 'https://ghe.example.com/api/v3/' })).apiUrl).toBe(
      'https://ghe.example.com/api/v3',
    );
    expect(
      readSettings(
        lookup({ GITHUB_API_URL: 'https://a.example/api/v3', BP_GITHUB_API_URL: 'https://b.example/api/v3' }),
      ).apiUrl,
    ).toBe('https://b.example/api/v3');
  });

  it('names the variable and the fix for bad values', () => {
    expect(() => readSettings(lookup({ BP_GITHUB_ASSETS_CONCURRENCY: 'many' }))).toThrow(
      /BP_GITHUB_ASSETS_CONCURRENCY must be a whole number from 1 to 32, but is "many"/,
    );
    expect(() => readSettings(lookup({ BP_DISABLE_SBOM: 'maybe' }))).toThrow(
      /BP_DISABLE_SBOM must be true or false/,
    );
    expect(() => readSettings(lookup({ BP_GITHUB_API_URL: 'ftp://x' }))).toThrow(
      /BP_GITHUB_API_URL must be a https:\/\/ or http:\/\/ URL/,
    );
    expect(() => readSettings(lookup({ BP_GITHUB_API_URL: 'https://u:p@x' }))).toThrow(
      /must not carry credentials/,
    );
  });
});

describe('readTarget', () => {
  it('reads os, arch and variant from CNB_TARGET_*, and the libc from the target distro', () => {
    expect(
      readTarget(
        lookup({
          CNB_TARGET_OS: 'linux',
          CNB_TARGET_ARCH: 'arm',
          CNB_TARGET_ARCH_VARIANT: 'v7',
          CNB_TARGET_DISTRO_NAME: 'alpine',
        }),
        'x64',
      ),
    ).toEqual({ os: 'linux', arch: 'arm', variant: 'v7', libc: 'musl' });
    expect(readTarget(lookup({ CNB_TARGET_DISTRO_NAME: 'ubuntu' }), 'arm64')).toEqual({
      os: 'linux',
      arch: 'arm64',
      variant: undefined,
      libc: 'gnu',
    });
  });

  it('lets BP_GITHUB_ASSETS_LIBC override the distro, and refuses other values with the fix', () => {
    const musl = lookup({ BP_GITHUB_ASSETS_LIBC: 'musl', CNB_TARGET_DISTRO_NAME: 'ubuntu' });
    expect(readTarget(musl, 'x64').libc).toBe('musl');
    expect(
      readTarget(lookup({ BP_GITHUB_ASSETS_LIBC: 'GNU', CNB_TARGET_DISTRO_NAME: 'alpine' }), 'x64').libc,
    ).toBe('gnu');
    expect(() => readTarget(lookup({ BP_GITHUB_ASSETS_LIBC: 'uclibc' }), 'x64')).toThrow(
      /BP_GITHUB_ASSETS_LIBC must be gnu or musl, but is "uclibc". Set BP_GITHUB_ASSETS_LIBC=musl/,
    );
  });
});

describe('platform env and bindings', () => {
  it('reads <platform>/env files before the process environment', async () => {
    const platform = await tempDir();
    await mkdir(path.join(platform, 'env'));
    await writeFile(path.join(platform, 'env', 'GITHUB_TOKEN'), 'from-file');
    const env = await readPlatformEnv(platform, { GITHUB_TOKEN: 'from-process', OTHER: 'x', EMPTY: '' });
    expect(env('GITHUB_TOKEN')).toBe('from-file');
    expect(env('OTHER')).toBe('x');
    expect(env('EMPTY')).toBeUndefined();
  });

  it('reads service bindings and skips Kubernetes hidden entries', async () => {
    const platform = await tempDir();
    const binding = path.join(platform, 'bindings', 'gh');
    await mkdir(binding, { recursive: true });
    await mkdir(path.join(platform, 'bindings', '..data'));
    await writeFile(path.join(binding, 'type'), 'GitHub\n');
    await writeFile(path.join(binding, 'token'), 'tok-from-binding\n');
    const bindings = await readServiceBindings(platform, lookup({}));
    expect(bindings).toEqual([
      { name: 'gh', type: 'github', entries: new Map([['token', 'tok-from-binding']]) },
    ]);
  });
});

describe('resolveToken', () => {
  const entry = { index: 2, repo: 'acme/private', tokenEnv: undefined };
  const binding = { name: 'gh', type: 'github', entries: new Map([['token', 'from-binding']]) };

  it('prefers token_env, then GITHUB_TOKEN, then a github binding', () => {
    const env = lookup({ MY_TOKEN: 'mine', GITHUB_TOKEN: 'global' });
    expect(resolveToken({ ...entry, tokenEnv: 'MY_TOKEN' }, 'project.toml', env, [binding])).toEqual({
      value: 'mine',
      source: 'MY_TOKEN',
    });
    expect(resolveToken(entry, 'project.toml', env, [binding])).toEqual({
      value: 'global',
      source: 'GITHUB_TOKEN',
    });
    expect(resolveToken(entry, 'project.toml', lookup({}), [binding])?.value).toBe('from-binding');
    expect(resolveToken(entry, 'project.toml', lookup({}), [])).toBeUndefined();
  });

  it('fails when token_env names an empty variable, naming file, entry and variable', () => {
    expect(() =>
      resolveToken({ ...entry, tokenEnv: 'MY_TOKEN' }, 'project.toml', lookup({ MY_TOKEN: ' ' }), []),
    ).toThrow(
      /project\.toml: entry 2 \(acme\/private\): token_env names MY_TOKEN, but MY_TOKEN is not set or is empty/,
    );
  });
});

describe('logger', () => {
  it('never prints a registered secret, also in grouped lines registered later', () => {
    const lines: string[] = [];
    const logger = createLogger({ write: (line) => lines.push(line), debug: true });
    const group = logger.group();
    group.debug('Authorization: Bearer ghp_secret123');
    logger.redact('ghp_secret123');
    logger.process('token ghp_secret123 in a message');
    group.flush();
    expect(lines.join('\n')).not.toContain('ghp_secret123');
    expect(lines).toEqual(['  token *** in a message', '  [debug] Authorization: Bearer ***']);
  });

  it('hides debug lines unless BP_LOG_LEVEL=DEBUG', () => {
    const lines: string[] = [];
    createLogger({ write: (line) => lines.push(line), debug: false }).debug('detail');
    expect(lines).toEqual([]);
  });
});

describe('chooseMirror', () => {
  const binding = (entries: Record<string, string>) => ({
    name: 'mirror',
    type: 'dependency-mirror',
    entries: new Map(Object.entries(entries)),
  });

  it('prefers the variable, then a github.com key, then default, with {originalHost} filled in', () => {
    expect(chooseMirror('https://a.example', [binding({ default: 'https://b.example' })])).toBe(
      'https://a.example',
    );
    expect(
      chooseMirror(undefined, [
        binding({ default: 'https://b.example/', 'github.com': 'https://c.example/{originalHost}' }),
      ]),
    ).toBe('https://c.example/github.com');
    expect(chooseMirror(undefined, [binding({ default: 'file:///mirror' })])).toBe('file:///mirror');
    expect(chooseMirror(undefined, [])).toBeUndefined();
  });

  it('refuses a binding that holds no URL, without printing it', () => {
    expect(() => chooseMirror(undefined, [binding({ default: 'user:secret@host' })])).toThrow(
      /service binding mirror \(type dependency-mirror\) has a default entry that is not an https:\/\//,
    );
    expect(() => chooseMirror(undefined, [binding({ default: 'user:secret@host' })])).not.toThrow(/secret/);
  });
});
