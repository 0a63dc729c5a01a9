/**
 * Entries without `asset`, and the binary check every entry passes, run through the built executables the
 * way the lifecycle runs them, against a GitHub look-alike whose release holds what real ones hold: builds
 * for every OS, architecture and libc, packages, checksums and signatures, each program a real ELF file.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  runLifecycle,
  type LifecycleOptions,
  type LifecycleResult,
} from '../../tools/lifecycle/lifecycle.js';
import { readElfHeader } from '../../src/verify/elf-header.js';
import { ELF_MACHINE } from '../helpers/elf.js';
import { useSeededGitHub } from '../helpers/seeded-github.js';
import { tempDir } from '../helpers/temp-dir.js';

const world = useSeededGitHub();

afterEach(() => {
  world.github.resetRequests();
});

async function build(projectToml: string, options: Partial<LifecycleOptions> = {}): Promise<LifecycleResult> {
  const app = await tempDir('app-');
  await writeFile(path.join(app, 'project.toml'), projectToml);
  return runLifecycle({
    buildpackDir: world.buildpackDir,
    appDir: app,
    stateDir: await tempDir('state-'),
    ...options,
    env: { BP_GITHUB_API_URL: world.github.apiUrl, ...options.env },
  });
}

const zeroConfig = (): string => `[[metadata.githubassets]]\nrepo = "${world.seeds.picking.repo}"\n`;

/** An fd entry with an explicit asset, unpacked the way its tarballs need by hand. */
const fdEntry = (asset: string): string =>
  `${zeroConfig()}asset = "${asset}"\nstrip_components = 1\ndestination = "bin"\n`;

/** The names of the assets the build downloaded. */
function downloaded(): string[] {
  return world.github.requests
    .filter((request) => request.path.includes('/releases/download/'))
    .map((request) => decodeURIComponent(request.path.slice(request.path.lastIndexOf('/') + 1)));
}

async function layerFiles(result: LifecycleResult, layer: string): Promise<string[]> {
  const dir = result.image.find((candidate) => candidate.name === layer)?.dir;
  if (dir === undefined) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

async function expectFailedWithoutLayer(result: LifecycleResult): Promise<string> {
  expect(result.build?.code, result.build?.output).not.toBe(0);
  expect(await readdir(result.layersDir)).toEqual([]);
  return result.build?.output ?? '';
}

describe('an entry with only repo', () => {
  it.each([
    {
      arch: 'amd64',
      machine: ELF_MACHINE.amd64,
      picked: 'x86_64-unknown-linux-gnu',
      over: 'x86_64-unknown-linux-musl',
    },
    {
      arch: 'arm64',
      machine: ELF_MACHINE.arm64,
      picked: 'aarch64-unknown-linux-gnu',
      over: 'aarch64-unknown-linux-musl',
    },
  ])(
    'installs the $arch glibc build as bin/fd, downloading nothing else',
    async ({ arch, machine, picked, over }) => {
      const result = await build(zeroConfig(), { target: { os: 'linux', arch } });
      expect(result.build?.code, result.build?.output).toBe(0);
      const { tag, layer } = world.seeds.picking;
      expect(downloaded()).toEqual([`fd-${tag}-${picked}.tar.gz`]);
      // One top-level directory, stripped without strip_components; no bin/ of its own, so it goes under bin/.
      expect(await layerFiles(result, layer)).toEqual(['bin/LICENSE-MIT', 'bin/README.md', 'bin/fd']);
      const fd = path.join(result.layersDir, layer, 'bin/fd');
      expect(await readFile(fd)).toEqual(await readFile(world.seeds.picking.tool[`${arch}/gnu`] ?? ''));
      expect((await readElfHeader(fd))?.machine).toBe(machine);
      const output = result.build?.output ?? '';
      expect(output).toContain(`Picked fd-${tag}-${picked}.tar.gz (linux, `);
      expect(output).toContain(`over fd-${tag}-${over}.tar.gz: it is the musl build`);
      // The path to copy into a probe or a Dockerfile, as the image has it.
      expect(output).toContain(`in the image at ${path.join(result.layersDir, layer, 'bin/fd')}`);
      expect(output).not.toMatch(/→ \./);
    },
  );

  it('installs a raw build under the tool name: grpc_health_probe-linux-arm64 as bin/grpc_health_probe', async () => {
    const toml = '[[metadata.githubassets]]\nrepo = "grpc-ecosystem/grpc-health-probe"\n';
    for (const arch of ['amd64', 'arm64'] as const) {
      world.github.resetRequests();
      const result = await build(toml, { target: { os: 'linux', arch } });
      expect(result.build?.code, result.build?.output).toBe(0);
      expect(downloaded()).toEqual([`grpc_health_probe-linux-${arch}`]);
      expect(await layerFiles(result, 'grpc-ecosystem_grpc-health-probe')).toEqual(['bin/grpc_health_probe']);
      const probe = path.join(result.layersDir, 'grpc-ecosystem_grpc-health-probe/bin/grpc_health_probe');
      expect((await readElfHeader(probe))?.machine).toBe(ELF_MACHINE[arch]);
      expect(result.build?.output).toContain(`in the image at ${probe}`);
      expect(result.build?.output).toMatch(
        new RegExp(
          `Installed grpc_health_probe-linux-${arch} \\(\\d+ B, raw\\) as bin/grpc_health_probe in `,
        ),
      );
    }
  });

  it('takes the musl build on a musl distro, and never a glibc one', async () => {
    const amd = await build(zeroConfig(), { target: { os: 'linux', arch: 'amd64', distro: 'alpine' } });
    expect(amd.build?.code, amd.build?.output).toBe(0);
    expect(downloaded()).toEqual([`fd-${world.seeds.picking.tag}-x86_64-unknown-linux-musl.tar.gz`]);
    const fd = path.join(amd.layersDir, world.seeds.picking.layer, 'bin/fd');
    expect(await readFile(fd)).toEqual(await readFile(world.seeds.picking.tool['amd64/musl'] ?? ''));
    world.github.resetRequests();
    const arm = await build(zeroConfig(), {
      target: { os: 'linux', arch: 'arm64' },
      env: { BP_GITHUB_ASSETS_LIBC: 'musl' },
    });
    expect(arm.build?.code, arm.build?.output).toBe(0);
    expect(downloaded()).toEqual([`fd-${world.seeds.picking.tag}-aarch64-unknown-linux-musl.tar.gz`]);
  });

  it('lists every asset with its standing or the reason it was dropped at DEBUG', async () => {
    const result = await build(zeroConfig(), { env: { BP_LOG_LEVEL: 'DEBUG' } });
    const output = result.build?.output ?? '';
    expect(output).toContain(`chosen: fd-${world.seeds.picking.tag}-x86_64-unknown-linux-gnu.tar.gz`);
    for (const dropped of [
      'fd_10.3.0_amd64.deb',
      'SHA256SUMS',
      `fd-${world.seeds.picking.tag}-x86_64-unknown-linux-gnu.tar.gz.sig`,
      `fd-${world.seeds.picking.tag}-x86_64-apple-darwin.tar.gz`,
      `fd-${world.seeds.picking.tag}-x86_64-pc-windows-msvc.zip`,
      `fd-${world.seeds.picking.tag}-arm-unknown-linux-gnueabihf.tar.gz`,
      `fd-${world.seeds.picking.tag}-i686-unknown-linux-gnu.tar.gz`,
    ]) {
      expect(output).toContain(`dropped: ${dropped} (`);
    }
  });

  it('refuses a glibc-only release on a musl image, listing what is there, and leaves no layer', async () => {
    const toml = `[[metadata.githubassets]]\nrepo = "${world.seeds.picking.gnuOnlyRepo}"\n`;
    const result = await build(toml, { target: { os: 'linux', arch: 'amd64', distro: 'alpine' } });
    const output = await expectFailedWithoutLayer(result);
    expect(output).toContain(`project.toml: entry 1 (${world.seeds.picking.gnuOnlyRepo}): No asset of`);
    expect(output).toContain('glibconly-v1.0.0-x86_64-unknown-linux-gnu.tar.gz (built for glibc (gnu)');
    expect(downloaded()).toEqual([]);
  });

  it('asks for a template behind a mirror when the release was not looked up', async () => {
    const toml = `${zeroConfig()}tag = "${world.seeds.picking.tag}"\n`;
    const result = await build(toml, { env: { BP_GITHUB_ASSETS_MIRROR: world.github.apiUrl } });
    const output = await expectFailedWithoutLayer(result);
    expect(output).toContain('names no asset, and with BP_GITHUB_ASSETS_MIRROR set');
    expect(output).toContain('asset = "fd_{version}_{os}_{arch}.tar.gz"');
    expect(world.github.requests).toEqual([]);
  });
});

describe('the binary check', () => {
  it('fails an arm64 build given an amd64 raw asset, naming the file, and leaves no layer', async () => {
    const result = await build(world.seeds.entries.jq, { target: { os: 'linux', arch: 'arm64' } });
    const output = await expectFailedWithoutLayer(result);
    expect(output).toContain(
      'bin/jq from entry 1 (stedolan/jq) in project.toml is built for x86-64 (amd64), but this image is linux/arm64',
    );
    expect(output).toContain('arch_check = false');
  });

  it('fails an arm64 build whose template has no {arch} and resolves to the amd64 archive', async () => {
    const toml = fdEntry('fd-{tag}-x86_64-unknown-linux-{libc}.tar.gz');
    const result = await build(toml, { target: { os: 'linux', arch: 'arm64' } });
    const output = await expectFailedWithoutLayer(result);
    expect(output).toContain('bin/fd from entry 1 (sharkdp/fd) in project.toml is built for x86-64 (amd64)');
    expect(output).toContain('put `{arch}` in the `asset` template');
  });

  it('fails a glibc-linked binary on a musl image, and warns about a musl-linked one on glibc', async () => {
    const template = (libc: string) => fdEntry(`fd-{tag}-{arch}-unknown-linux-${libc}.tar.gz`);
    const onMusl = await build(template('gnu'), { target: { os: 'linux', arch: 'amd64', distro: 'alpine' } });
    expect(await expectFailedWithoutLayer(onMusl)).toContain(
      "bin/fd from entry 1 (sharkdp/fd) in project.toml needs glibc's loader",
    );
    const onGlibc = await build(template('musl'));
    expect(onGlibc.build?.code, onGlibc.build?.output).toBe(0);
    expect(onGlibc.build?.output).toContain('Warning: entry 1 (sharkdp/fd): bin/fd is linked against musl');
  });

  it('lets an entry opt out with arch_check = false', async () => {
    const result = await build(`${world.seeds.entries.jq}arch_check = false\n`, {
      target: { os: 'linux', arch: 'arm64' },
    });
    expect(result.build?.code, result.build?.output).toBe(0);
    const jq = path.join(result.layersDir, 'stedolan_jq', 'bin/jq');
    expect((await readElfHeader(jq))?.machine).toBe(ELF_MACHINE.amd64);
  });
});

describe('templates', () => {
  it('fill {libc} after the image, so one template serves glibc and musl images', async () => {
    const toml = fdEntry('fd-{tag}-{arch}-unknown-linux-{libc}.tar.gz');
    const musl = await build(toml, { target: { os: 'linux', arch: 'arm64', distro: 'alpine' } });
    expect(musl.build?.code, musl.build?.output).toBe(0);
    expect(downloaded()).toEqual([`fd-${world.seeds.picking.tag}-aarch64-unknown-linux-musl.tar.gz`]);
    expect(await readFile(path.join(musl.layersDir, world.seeds.picking.layer, 'bin/fd'))).toEqual(
      await readFile(world.seeds.picking.tool['arm64/musl'] ?? ''),
    );
  });
});
