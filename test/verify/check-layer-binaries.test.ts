import { execFileSync } from 'node:child_process';
import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ElfArch, type ElfLinking, LOADERS, elfImage } from '../../tools/elf-image/elf-image.js';
import { elfImageForAsset } from '../../tools/elf-image/elf-image-for-asset.js';
import { checkLayerBinaries, describeWarning } from '../../src/verify/check-layer-binaries.js';
import type { BinaryTarget } from '../../src/verify/binary-target.js';
import { readElfHeader } from '../../src/verify/elf-header.js';
import { WrongArchitectureError } from '../../src/verify/wrong-architecture-error.js';
import { tempDir } from '../helpers/temp-dir.js';

async function layerWith(files: Readonly<Record<string, Buffer | string>>): Promise<string> {
  const dir = await tempDir('gra-elf-');
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
    await chmod(file, 0o755);
  }
  return dir;
}

function assertNever(): never {
  throw new Error('no finding');
}

const elf = (arch: ElfArch, linking: ElfLinking = 'static'): Buffer =>
  elfImage({ arch, linking, trailer: `${arch}-${linking}` });

describe('the ELF images tests make', () => {
  it.each([
    ['tool-linux-arm64', 'arm64', undefined],
    ['tool-v1-aarch64-unknown-linux-musl.tar.gz', 'arm64', '/lib/ld-musl-aarch64.so.1'],
    ['tool-v1-x86_64-unknown-linux-gnu', 'amd64', '/lib64/ld-linux-x86-64.so.2'],
    ['jq-linux64', 'amd64', undefined],
    ['tool-linux-armv7', 'arm', undefined],
  ] as const)('follow the platform an asset name says: %s', async (name, arch, interpreter) => {
    const dir = await layerWith({ tool: elfImageForAsset(name) });
    const header = await readElfHeader(path.join(dir, 'tool'));
    const machines = { amd64: 62, arm64: 183, arm: 40 } as const;
    expect(header?.machine).toBe(machines[arch]);
    expect(header?.interpreter).toBe(interpreter);
  });

  it.each([
    ['amd64', 'ELF 64-bit LSB executable, x86-64'],
    ['arm64', 'ELF 64-bit LSB executable, ARM aarch64'],
    ['arm', 'ELF 32-bit LSB executable, ARM, EABI5'],
    ['386', 'ELF 32-bit LSB executable, Intel 80386'],
  ] as const)('are real %s executables to binutils and file(1)', async (arch, description) => {
    const dir = await layerWith({ tool: elf(arch, 'glibc') });
    const file = path.join(dir, 'tool');
    expect(execFileSync('file', ['-b', file], { encoding: 'utf8' })).toContain(description);
    expect(execFileSync('readelf', ['-l', file], { encoding: 'utf8' })).toContain(
      `[Requesting program interpreter: ${LOADERS.glibc[arch]}]`,
    );
  });

  it('runs, when it is built for this machine', async () => {
    if (process.arch !== 'x64') return;
    const dir = await layerWith({ tool: elf('amd64') });
    expect(() => execFileSync(path.join(dir, 'tool'))).not.toThrow();
  });
});

describe('reading ELF headers', () => {
  it('reads machine, class and loader, and skips files that are not ELF', async () => {
    const dir = await layerWith({
      a: elf('arm64', 'musl'),
      b: elf('386'),
      script: '#!/bin/sh\necho hi\n',
      tiny: '\x7fEL',
    });
    expect(await readElfHeader(path.join(dir, 'a'))).toEqual({
      bits: 64,
      littleEndian: true,
      machine: 183,
      interpreter: '/lib/ld-musl-aarch64.so.1',
    });
    expect(await readElfHeader(path.join(dir, 'b'))).toEqual({ bits: 32, littleEndian: true, machine: 3 });
    expect(await readElfHeader(path.join(dir, 'script'))).toBeUndefined();
    expect(await readElfHeader(path.join(dir, 'tiny'))).toBeUndefined();
  });

  it('survives a header that lies about its program headers', async () => {
    const lying = elf('amd64', 'glibc');
    lying.writeUInt16LE(0xffff, 56); // e_phnum far beyond the file
    lying.writeBigUInt64LE(BigInt(1) << BigInt(40), 32 + 0); // e_phoff far beyond the file
    const dir = await layerWith({ lying });
    expect(await readElfHeader(path.join(dir, 'lying'))).toEqual({
      bits: 64,
      littleEndian: true,
      machine: 62,
    });
  });
});

describe('checking a staged layer', () => {
  it('passes binaries of the target, static or linked to its libc, and ignores other files', async () => {
    const dir = await layerWith({
      'bin/tool': elf('arm64'),
      'bin/helper': elf('arm64', 'glibc'),
      'share/readme.txt': 'not a binary',
    });
    await symlink(path.join(dir, 'bin/tool'), path.join(dir, 'bin/alias'));
    expect(await checkLayerBinaries(dir, { arch: 'arm64', libc: 'gnu' })).toEqual({
      elfFiles: 2,
      errors: [],
      warnings: [],
    });
  });

  it.each([
    ['arm64', 'amd64', 'x86-64 (amd64)'],
    ['arm64', 'arm', '32-bit ARM'],
    ['amd64', '386', '32-bit x86 (i386)'],
    ['amd64', 'arm64', 'AArch64 (arm64)'],
  ] as const)('on %s, reports a binary built for %s', async (target, built, builtFor) => {
    const dir = await layerWith({ 'bin/jq': elf(built), 'bin/ok': elf(target) });
    const report = await checkLayerBinaries(dir, { arch: target, libc: 'gnu' });
    expect(report.errors).toEqual([{ file: 'bin/jq', builtFor, problem: 'machine' }]);
  });

  it('reports a 32-bit build of the right machine family as the wrong class', async () => {
    const image = elf('arm64');
    image[4] = 1; // ELFCLASS32 with an AArch64 machine: an ILP32 build
    const dir = await layerWith({ 'bin/tool': image });
    const report = await checkLayerBinaries(dir, { arch: 'arm64', libc: 'gnu' });
    expect(report.errors[0]?.builtFor).toBe('AArch64 (arm64), 32-bit ELF');
  });

  it('fails a glibc-linked binary on musl and warns of a musl-linked one on glibc', async () => {
    const dir = await layerWith({ 'bin/gnu': elf('amd64', 'glibc'), 'bin/musl': elf('amd64', 'musl') });
    const onMusl = await checkLayerBinaries(dir, { arch: 'amd64', libc: 'musl' });
    expect(onMusl.errors).toEqual([
      {
        file: 'bin/gnu',
        builtFor: 'x86-64 (amd64) with glibc',
        problem: 'loader',
        interpreter: '/lib64/ld-linux-x86-64.so.2',
      },
    ]);
    expect(onMusl.warnings).toEqual([]);
    const onGlibc = await checkLayerBinaries(dir, { arch: 'amd64', libc: 'gnu' });
    expect(onGlibc.errors).toEqual([]);
    expect(onGlibc.warnings.map((finding) => finding.file)).toEqual(['bin/musl']);
    expect(describeWarning(onGlibc.warnings[0] ?? assertNever())).toMatch(
      /bin\/musl is linked against musl \(\/lib\/ld-musl-x86_64.so.1\)/,
    );
  });
});

async function errorFor(
  files: Readonly<Record<string, Buffer>>,
  target: BinaryTarget,
  entry: string,
): Promise<WrongArchitectureError> {
  const report = await checkLayerBinaries(await layerWith(files), target);
  return new WrongArchitectureError(report.errors, target, entry);
}

describe('the error for a wrong binary', () => {
  it('names the file, what it is built for, the target and both fixes in one paragraph', async () => {
    const error = await errorFor(
      { 'bin/jq': elf('amd64'), 'lib/libjq.so': elf('amd64') },
      { arch: 'arm64', libc: 'gnu' },
      'the entry for jqlang/jq in project.toml',
    );
    expect(error.message).toBe(
      'bin/jq (and 1 other file) from the entry for jqlang/jq in project.toml is built for x86-64 (amd64), but this ' +
        'image is linux/arm64 with glibc: it would fail with "exec format error" when run. Leave `asset` out so the ' +
        'build for each architecture is picked, or put `{arch}` in the `asset` template; if the layer is meant to hold ' +
        'binaries for another architecture (a cross-compiler, a multi-arch bundle), set `arch_check = false` on this entry.',
    );
    expect(error.message).not.toContain('\n');
  });

  it('tells a musl image to pick the musl build', async () => {
    const error = await errorFor(
      { 'bin/tool': elf('arm64', 'glibc') },
      { arch: 'arm64', libc: 'musl' },
      'the entry for a/tool',
    );
    expect(error.message).toMatch(
      /^bin\/tool from the entry for a\/tool needs glibc's loader \/lib\/ld-linux-aarch64.so.1, but this image is linux\/arm64 with musl/,
    );
    expect(error.message).toContain('`{libc}`');
    expect(error.message).toContain('arch_check = false');
  });
});
