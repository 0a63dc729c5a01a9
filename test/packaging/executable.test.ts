// bin/run is the buildpack as one self-contained executable (Node SEA) made by `npm run build`;
// bin/detect and bin/build are symlinks to it, and it must run on a build image without Node.js.
import { lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import TOML from '@iarna/toml';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BIN,
  CODE_CACHE_REJECTED,
  HOST_MACHINE,
  ROOT,
  canHideNode,
  readElfHeader,
  requireBuiltExecutable,
  runDetect,
  skipWhen,
} from './helpers.js';

// detect exits 0 (applies) or 100 (does not apply); anything else is an error, 126/127 a failed exec.
const DETECT_OUTCOMES = [0, 100];

describe('bin/ executables', () => {
  beforeAll(requireBuiltExecutable);

  it.each(['detect', 'build'])('bin/%s is a symlink to run', (phase) => {
    const link = join(BIN, phase);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe('run');
  });

  it('bin/run is a 64-bit ELF executable for this machine with mode 0755', () => {
    expect(readElfHeader(join(BIN, 'run'))).toEqual({
      is64: true,
      littleEndian: true,
      machine: HOST_MACHINE,
    });
    expect(lstatSync(join(BIN, 'run')).mode & 0o777).toBe(0o755);
  });

  it('bin/detect runs when exec’d directly', () => {
    const result = runDetect(ROOT);
    expect(result.error).toBeUndefined();
    expect(DETECT_OUTCOMES, result.stderr).toContain(result.status);
    expect(result.stderr).not.toContain(CODE_CACHE_REJECTED);
  });

  it('bin/detect runs with every node on the machine hidden', ({ skip }) => {
    skipWhen(
      skip,
      !canHideNode(),
      'cannot make a mount namespace here (unshare -m): needs root or user namespaces',
    );
    const result = runDetect(ROOT, { hideNode: true });
    expect(result.error).toBeUndefined();
    expect(result.stderr).not.toContain('node is still runnable');
    expect(DETECT_OUTCOMES, result.stderr).toContain(result.status);
    expect(result.stderr).not.toContain(CODE_CACHE_REJECTED);
  });
});

describe('buildpack.toml', () => {
  it('declares both targets, and stacks "*" for older pack (ignored where targets exist)', () => {
    const descriptor = TOML.parse(readFileSync(join(ROOT, 'buildpack.toml'), 'utf8'));
    expect(descriptor['targets']).toEqual([
      { os: 'linux', arch: 'amd64' },
      { os: 'linux', arch: 'arm64' },
    ]);
    expect(descriptor['stacks']).toEqual([{ id: '*' }]);
  });

  it('has the version of package.json', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const descriptor = TOML.parse(readFileSync(join(ROOT, 'buildpack.toml'), 'utf8'));
    expect((descriptor['buildpack'] as TOML.JsonMap)['version']).toBe(pkg.version);
  });
});
