// `npm run package` (scripts/package.mjs) into a temp dir: the multi-arch layout for
// `pack buildpack package --target ...` and one .tgz per arch for `pack build --buildpack <tgz>`.
// Slow (two ~120 MB executables, gzipped): it runs the script once for the whole file, on the
// dist/buildpack.cjs that `npm run build` made (--no-bundle), so it tests packaging, not bundling.
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import TOML from '@iarna/toml';
import { list } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stripToolFor } from '../../scripts/_sea.mjs';
import {
  CODE_CACHE_REJECTED,
  EM_AARCH64,
  EM_X86_64,
  ROOT,
  NO_AARCH64_EMULATOR,
  aarch64Emulator,
  hasSymbolTable,
  skipWhen,
  readElfHeader,
  requireBuiltExecutable,
  runDetect,
} from './helpers.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const descriptorText = readFileSync(join(ROOT, 'buildpack.toml'), 'utf8');
const descriptor = TOML.parse(descriptorText);
const id = (descriptor['buildpack'] as TOML.JsonMap)['id'] as string;
const includeFiles = (descriptor['metadata'] as TOML.JsonMap)['include-files'] as string[];
const ARCHES = ['amd64', 'arm64'] as const;

interface TarEntry {
  type: string;
  mode: number;
  linkpath: string;
  size: number;
}

let out = '';
const tarballs = new Map<string, Map<string, TarEntry>>();

beforeAll(async () => {
  requireBuiltExecutable();
  out = mkdtempSync(join(tmpdir(), 'package-'));
  const script = join(ROOT, 'scripts', 'package.mjs');
  const result = spawnSync(process.execPath, [script, '--out', out, '--no-bundle'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`scripts/package.mjs failed:\n${result.stdout}\n${result.stderr}`);
  for (const arch of ARCHES) {
    const entries = new Map<string, TarEntry>();
    await list({
      file: tarballPath(arch),
      onReadEntry: (entry) => {
        entries.set(entry.path, {
          type: entry.type,
          mode: (entry.mode ?? 0) & 0o777,
          linkpath: entry.linkpath ?? '',
          size: entry.size ?? 0,
        });
      },
    });
    tarballs.set(arch, entries);
  }
}, 600_000);

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

function tarballPath(arch: string): string {
  return join(out, `${id.replaceAll('/', '_')}-${pkg.version}-linux-${arch}.tgz`);
}

/**
 * A per-arch buildpack.toml: exactly one target, its own, so pack's target check refuses it on a builder of
 * the other arch; everything else (id, version, stacks, metadata) as in the repo's buildpack.toml.
 */
function expectOwnTargetOnly(text: string, arch: string): void {
  const { targets, ...rest } = TOML.parse(text);
  const { targets: allTargets, ...repoRest } = descriptor;
  expect(targets).toEqual([{ os: 'linux', arch }]);
  expect(allTargets).toContainEqual({ os: 'linux', arch });
  expect(rest).toEqual(repoRest);
}

function platformRoot(arch: string): string {
  return join(out, 'buildpack', 'linux', arch);
}

describe('multi-arch layout', () => {
  it('has buildpack.toml and a package.toml pointing at itself at its root', () => {
    expect(readFileSync(join(out, 'buildpack', 'buildpack.toml'), 'utf8')).toBe(descriptorText);
    const packageConfig = TOML.parse(readFileSync(join(out, 'buildpack', 'package.toml'), 'utf8'));
    expect(packageConfig['buildpack']).toEqual({ uri: '.' });
  });

  it.each(ARCHES)('linux/%s is a whole buildpack: buildpack.toml, bin/run and the links', (arch) => {
    expectOwnTargetOnly(readFileSync(join(platformRoot(arch), 'buildpack.toml'), 'utf8'), arch);
    expect(lstatSync(join(platformRoot(arch), 'bin', 'run')).mode & 0o777).toBe(0o755);
    for (const phase of ['detect', 'build']) {
      expect(readlinkSync(join(platformRoot(arch), 'bin', phase))).toBe('run');
    }
  });

  it('the arm64 executable is a 64-bit little-endian aarch64 ELF', () => {
    const header = readElfHeader(join(platformRoot('arm64'), 'bin', 'run'));
    expect(header).toEqual({ is64: true, littleEndian: true, machine: EM_AARCH64 });
  });

  it('the amd64 executable is an x86-64 ELF', () => {
    const header = readElfHeader(join(platformRoot('amd64'), 'bin', 'run'));
    expect(header).toEqual({ is64: true, littleEndian: true, machine: EM_X86_64 });
  });

  it('the amd64 executable runs as bin/detect', ({ skip }) => {
    skipWhen(skip, process.arch !== 'x64', `this machine is ${process.arch}, not x64`);
    const result = runDetect(platformRoot('amd64'));
    expect(result.error).toBeUndefined();
    expect([0, 100], result.stderr).toContain(result.status);
    expect(result.stderr).not.toContain(CODE_CACHE_REJECTED);
  });

  // Without an arm64 machine, qemu-user shows the executable starts and its blob is accepted.
  const emulator = aarch64Emulator();
  it('the arm64 executable runs as bin/detect under qemu-aarch64', ({ skip }) => {
    skipWhen(skip, emulator === null, NO_AARCH64_EMULATOR);
    const result = runDetect(platformRoot('arm64'), { emulator: emulator ?? [] });
    expect(result.error).toBeUndefined();
    expect([0, 100], result.stderr).toContain(result.status);
    expect(result.stderr).not.toContain(CODE_CACHE_REJECTED);
  });
});

describe('executable size', () => {
  it.for(ARCHES)(
    'the %s executable has no symbol table (stripped before the blob went in)',
    (arch, { skip }) => {
      const run = join(platformRoot(arch), 'bin', 'run');
      const symbols = hasSymbolTable(run);
      skipWhen(skip, symbols === null, 'readelf (binutils) is not installed');
      const stripPackage = arch === 'arm64' ? 'binutils-aarch64-linux-gnu' : 'binutils-x86-64-linux-gnu';
      skipWhen(
        skip,
        stripToolFor(arch) === null,
        `no strip for ${arch} here: apt-get install ${stripPackage}`,
      );
      expect(symbols).toBe(false);
    },
  );
});

describe.each(ARCHES)('the linux/%s tarball', (arch) => {
  it('holds buildpack.toml and bin/ at its root, and otherwise only [metadata] include-files', () => {
    const paths = [...(tarballs.get(arch)?.keys() ?? [])];
    const required = ['bin/', 'bin/build', 'bin/detect', 'bin/run', 'buildpack.toml'];
    expect(paths).toEqual(expect.arrayContaining(required));
    expect(paths.filter((path) => !required.includes(path) && !includeFiles.includes(path))).toEqual([]);
  });

  it('has bin/run executable (0755) and bin/detect, bin/build as symlinks to it', () => {
    const entries = tarballs.get(arch);
    expect(entries?.get('bin/')).toMatchObject({ type: 'Directory', mode: 0o755 });
    expect(entries?.get('bin/run')).toMatchObject({ type: 'File', mode: 0o755 });
    expect(entries?.get('bin/run')?.size).toBeGreaterThan(50_000_000);
    expect(entries?.get('buildpack.toml')).toMatchObject({ type: 'File', mode: 0o644 });
    for (const phase of ['detect', 'build']) {
      expect(entries?.get(`bin/${phase}`)).toMatchObject({ type: 'SymbolicLink', linkpath: 'run' });
    }
  });

  it('carries the repo’s buildpack.toml with only its own target (pack refuses it elsewhere)', async () => {
    let text = '';
    await list({
      file: tarballPath(arch),
      filter: (path) => path === 'buildpack.toml',
      onReadEntry: (entry) => {
        entry.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      },
    });
    expectOwnTargetOnly(text, arch);
    expect((TOML.parse(text)['buildpack'] as TOML.JsonMap)['version']).toBe(pkg.version);
  });
});
