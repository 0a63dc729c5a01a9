import { describe, expect, it } from 'vitest';
import {
  checkAsset,
  checkChecksums,
  checkDestination,
  checkFlag,
  checkInclude,
  checkRepo,
  checkSha256,
  checkStripComponents,
  checkTag,
  checkTokenEnv,
  type FieldResult,
} from '../../src/config/entry-fields.js';
import { configErrorOf, entryToml, loadToml } from './helpers.js';

const valueOf = <T>(result: FieldResult<T>): T => {
  if ('error' in result) throw new Error(`unexpected error: ${result.error}`);
  return result.value;
};
const errorOf = <T>(result: FieldResult<T>): string => {
  if ('value' in result) throw new Error(`expected an error, got ${JSON.stringify(result.value)}`);
  return result.error;
};
// Built at run time so no token-shaped string sits in the repository for secret scanners to trip on.
const fakeToken = `ghp_${'A1b2C3d4E5'.repeat(4)}`;

describe('repo', () => {
  it.each(['stedolan/jq', 'grpc-ecosystem/grpc-health-probe', 'BtbN/FFmpeg-Builds', 'a/b.c_d-e', 'old-/x'])(
    'accepts %s',
    (repo) => {
      const [owner, name] = repo.split('/');
      expect(valueOf(checkRepo(repo))).toEqual({ repo, owner, name });
    },
  );

  it.each([
    ['', 'repo must be "owner/name" as on GitHub'],
    ['jq', 'but is "jq" (a string)'],
    ['/jq', 'repo must be "owner/name" as on GitHub'],
    ['stedolan/', 'repo must be "owner/name" as on GitHub'],
    ['-owner/jq', 'repo must be "owner/name" as on GitHub'],
    ['owner/..', 'repo must be "owner/name" as on GitHub'],
    ['own er/jq', 'repo must be "owner/name" as on GitHub'],
    ['a'.repeat(40) + '/jq', 'repo must be "owner/name" as on GitHub'],
    ['github.com/stedolan/jq', 'Write repo = "stedolan/jq".'],
    ['git@github.com:stedolan/jq.git', 'Write repo = "stedolan/jq".'],
    [['a/b'], 'repo must be a string "owner/name", but is ["a/b"] (an array)'],
  ])('refuses %j', (repo, fragment) => {
    expect(errorOf(checkRepo(repo))).toContain(fragment);
  });

  it('says it is missing', () => {
    expect(errorOf(checkRepo(undefined))).toMatch(/^repo is missing\./);
  });
});

describe('asset and checksums', () => {
  it.each([
    'jq-linux64',
    'tool_{version}_{os}_{arch}.tar.gz',
    'tool-{tag}-*.zip',
    'tool-linux-???',
    'a b (c).deb',
  ])('accepts %j as an asset', (asset) => {
    expect(valueOf(checkAsset(asset))).toBe(asset);
    expect(valueOf(checkChecksums(asset))).toBe(asset);
  });

  it('leaves checksums out when absent', () => {
    expect(valueOf(checkChecksums(undefined))).toBeUndefined();
  });

  it.each([
    [' ', 'must name a release file'],
    [3, 'must be a string, but is 3 (a whole number)'],
    ['tool\tname', 'holds a control character'],
    ['dist/tool', 'Write only the file name: asset = "tool".'],
    ['tool-{OS}-{arch}', 'unknown placeholder {OS}'],
    ['tool-{a}-{b}-{a}', 'unknown placeholders {a}, {b},'],
    ['tool-{}', 'unknown placeholder {}'],
  ])('refuses the asset %j', (asset, fragment) => {
    expect(errorOf(checkAsset(asset))).toContain(fragment);
  });

  it('lets checksums, and only checksums, name the chosen asset with {asset}', () => {
    expect(valueOf(checkChecksums('{asset}.sha256'))).toBe('{asset}.sha256');
    expect(errorOf(checkAsset('{asset}.tar.gz'))).toContain('unknown placeholder {asset}');
  });

  it('names checksums in its own errors', () => {
    expect(errorOf(checkChecksums(''))).toMatch(/^checksums must name a release file/);
    expect(errorOf(checkChecksums(false))).toMatch(/^checksums must be a string/);
  });
});

describe('tag', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['latest', undefined],
    ['v0.1.0', 'v0.1.0'],
    ['jq-1.6', 'jq-1.6'],
    ['Latest', 'Latest'],
  ])('reads %j as %j', (tag, expected) => {
    expect(valueOf(checkTag(tag))).toBe(expected);
  });

  it.each([
    [1, 'tag must be a string, but is 1 (a whole number)'],
    [
      'v1 .0',
      'tag cannot contain spaces or control characters, but is "v1 .0" (a string). Write the tag exactly',
    ],
    [' v1.0\n', 'Write tag = "v1.0".'],
  ])('refuses %j', (tag, fragment) => {
    expect(errorOf(checkTag(tag))).toContain(fragment);
  });
});

describe('token_env', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['APITEST_TOOLCHAIN_TOKEN', 'APITEST_TOOLCHAIN_TOKEN'],
    ['_token2', '_token2'],
  ])('reads %j as %j', (name, expected) => {
    expect(valueOf(checkTokenEnv(name))).toBe(expected);
  });

  it.each([
    ['MY-TOKEN', 'but is "MY-TOKEN" (a string)'],
    ['2TOKEN', 'not starting with a digit'],
    ['$GH_TOKEN', 'but is "$GH_TOKEN" (a string)'],
    [true, 'but is true (a boolean)'],
    ['PATH', 'token_env names PATH, a variable the system or the lifecycle sets for another purpose'],
    ['home', 'token_env names home, a variable the system'],
    ['CNB_LAYERS_DIR', 'would be sent to GitHub as a token'],
    ['BP_GITHUB_ASSETS_MIRROR', 'Name the variable that holds your GitHub token'],
  ])('refuses %j', (name, fragment) => {
    expect(errorOf(checkTokenEnv(name))).toContain(fragment);
  });

  it('refuses a token pasted in place of the variable name, without printing it', () => {
    const error = errorOf(checkTokenEnv(fakeToken));
    expect(error).toContain('holds what looks like a token itself (not shown)');
    expect(error).toContain('revoke the token');
    expect(error).not.toContain(fakeToken.slice(4, 14));
  });

  it('never prints a token found in another field either', async () => {
    const message = await configErrorOf(entryToml(`destination = "/${fakeToken}"`));
    expect(message).toContain('a value that looks like a GitHub token (not shown)');
    expect(message).not.toContain(fakeToken.slice(4, 14));
  });
});

describe('destination', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['.', undefined],
    ['./', undefined],
    ['bin/..', undefined],
    ['bin', 'bin'],
    ['./bin/', 'bin'],
    ['bin//jq', 'bin/jq'],
    ['bin/./jq', 'bin/jq'],
    ['lib/../bin/jq', 'bin/jq'],
    ['..jq', '..jq'],
    ['bin/ffmpeg static', 'bin/ffmpeg static'],
  ])('normalises %j to %j', (destination, expected) => {
    expect(valueOf(checkDestination(destination))).toBe(expected);
  });

  it.each([
    ['/bin/jq', 'which is an absolute path. Write a path relative to the layer, e.g. destination = "bin/jq"'],
    ['/', 'e.g. destination = "bin"'],
    ['..', 'climbs out of the layer'],
    ['../bin', 'climbs out of the layer'],
    ['bin/../../x', 'climbs out of the layer'],
    ['bin\u0000jq', 'contains a NUL character'],
    ['bin\\jq', 'contains a backslash'],
    [7, 'but is 7 (a whole number)'],
  ])('refuses %j', (destination, fragment) => {
    expect(errorOf(checkDestination(destination))).toContain(fragment);
  });
});

describe('strip_components', () => {
  it.each([
    [undefined, 0],
    [0, 0],
    [1, 1],
    [64, 64],
  ])('reads %j as %j', (value, expected) => {
    expect(valueOf(checkStripComponents(value))).toBe(expected);
  });

  it.each([
    ['1', 'but is "1" (a string). Write strip_components = 1 without quotes.'],
    [' 2 ', 'Write strip_components = 2 without quotes.'],
    ['one', 'but is "one" (a string). Write e.g. strip_components = 1'],
    ['99', 'Write e.g. strip_components = 1'],
    [-1, 'but is -1 (a whole number)'],
    [65, 'but is 65 (a whole number)'],
    [0.5, 'but is 0.5 (a fractional number)'],
    [Number.NaN, 'but is NaN (a special float)'],
    [Number.POSITIVE_INFINITY, 'but is Infinity (a special float)'],
    [2n ** 70n, 'but is a whole number too large to use'],
    [true, 'but is true (a boolean)'],
  ])('refuses %s', (value, fragment) => {
    expect(errorOf(checkStripComponents(value))).toContain(fragment);
  });
});

describe('sha256', () => {
  const digest = 'af986793a515d500ab2d35f8d2aecd656e764504b789b66d7e1a0b727a124c44';

  it.each([
    [undefined, undefined],
    [digest, digest],
    [digest.toUpperCase(), digest],
    [`sha256:${digest}`, digest],
    [`SHA256:${digest.toUpperCase()}`, digest],
  ])('reads %j', (value, expected) => {
    expect(valueOf(checkSha256(value))).toBe(expected);
  });

  it.each([
    ['', 'which has 0 hex digits'],
    [digest.slice(1), 'which has 63 hex digits'],
    [`md5:${digest}`, 'which holds characters other than hex digits'],
    [`${digest.slice(1)}g`, 'which holds characters other than hex digits'],
    [123, 'sha256 must be a string of 64 hex digits, but is 123 (a whole number)'],
  ])('refuses %j', (value, fragment) => {
    expect(errorOf(checkSha256(value))).toContain(fragment);
  });

  it('reads a table of pins keyed by platform, each like a single pin', () => {
    const arm = digest.replace('a', 'b');
    expect(
      valueOf(
        checkSha256({
          'linux/amd64': `sha256:${digest.toUpperCase()}`,
          'linux/arm64': arm,
          'linux/arm/v7': digest,
        }),
      ),
    ).toEqual({
      'linux/amd64': digest,
      'linux/arm64': arm,
      'linux/arm/v7': digest,
    });
  });

  it.each([
    [{}, 'sha256 is an empty table. Pin each platform, e.g. sha256 = { "linux/amd64"'],
    [{ amd64: digest }, 'sha256 has the key "amd64", which is not a platform. Write the platform as os/arch'],
    [
      { 'Linux/AMD64': digest },
      'sha256 has the key "Linux/AMD64", which is not a platform. Write "linux/amd64".',
    ],
    [
      { 'linux/amd64': digest.slice(2) },
      'sha256 for linux/amd64 must be 64 hex digits (optionally after "sha256:"), but is',
    ],
    [{ 'linux/arm64': 5 }, 'sha256 for linux/arm64 must be a string of 64 hex digits, but is 5'],
    [[digest], 'sha256 must be a string of 64 hex digits, but is'],
  ])('refuses the table %j', (value, fragment) => {
    expect(errorOf(checkSha256(value))).toContain(fragment);
  });
});

describe('include', () => {
  it.each([
    [undefined, undefined],
    [['bin/*'], ['bin/*']],
    [
      ['bin/tool', 'share/**/*.1'],
      ['bin/tool', 'share/**/*.1'],
    ],
  ])('reads %j', (value, expected) => {
    expect(valueOf(checkInclude(value))).toEqual(expected);
  });

  it.each([
    [
      'bin/*',
      'include must be an array of globs, but is "bin/*" (a string). Write include = ["bin/*"] with brackets.',
    ],
    ['', 'Write include = ["bin/*"] with brackets.'],
    [[], 'include must list at least one glob'],
    [['bin/*', ''], 'item 2 is "" (a string)'],
    [[['bin/*']], 'item 1 is ["bin/*"] (an array)'],
    [{ path: 'bin' }, 'but is { path } (a table)'],
  ])('refuses %j', (value, fragment) => {
    expect(errorOf(checkInclude(value))).toContain(fragment);
  });
});

describe('launch and build', () => {
  it('default to launch only', async () => {
    const entry = (await loadToml(entryToml()))?.entries[0];
    expect([entry?.launch, entry?.build]).toEqual([true, false]);
  });

  it.each([
    ['launch', true],
    ['launch', false],
    ['build', true],
    ['build', false],
  ] as const)('read %s = %j', (field, value) => {
    expect(valueOf(checkFlag(field, value, !value))).toBe(value);
  });

  it.each([
    ['launch', 'false', 'Write launch = false without quotes.'],
    ['build', 'TRUE', 'Write build = true without quotes.'],
    ['build', 'yes', 'but is "yes" (a string). Write build = true or build = false.'],
    ['launch', 0, 'but is 0 (a whole number)'],
  ] as const)('refuse %s = %j', (field, value, fragment) => {
    expect(errorOf(checkFlag(field, value, true))).toContain(fragment);
  });

  it('accept build only', async () => {
    const entry = (await loadToml(entryToml('launch = false\nbuild = true')))?.entries[0];
    expect([entry?.launch, entry?.build]).toEqual([false, true]);
  });
});

describe('a whole entry', () => {
  it('reports every bad field of an entry at once, a paragraph each, in field order', async () => {
    const message = await configErrorOf(
      entryToml('tag = 1\ndestination = "/x"\nstrip_components = "1"\nbuild = "no"'),
    );
    expect(message.split('\n\n').map((paragraph) => paragraph.split(':')[2]?.trim().split(' ')[0])).toEqual([
      'tag',
      'destination',
      'strip_components',
      'build',
    ]);
  });
});
