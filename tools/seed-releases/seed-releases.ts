/**
 * The releases behind the configurations users really wrote for github-assets-cnb (prior-art.md), built
 * on disk with real tools (tar, xz, zip, gzip) so the buildpack meets the same kinds of archives it meets
 * on GitHub. Each program is a small but real ELF executable of the architecture and C library its asset's
 * name says (tools/elf-image), so the buildpack's binary check meets what it meets on GitHub: a build for
 * amd64 runs on an amd64 host and exits 0, and an arm64 one is refused on an amd64 image.
 */
import { execFileSync } from 'node:child_process';
import { chmod, copyFile, mkdir, readdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { elfImageForAsset } from '../elf-image/elf-image-for-asset.js';
import type { FakeRepo } from '../fake-github/index.js';

/** A file the buildpack must install: where it lands in the layer, and the bytes it must have. */
export interface ExpectedFile {
  readonly layer: string;
  readonly path: string;
  readonly source: string;
  readonly executable: boolean;
}

export interface SeedReleases {
  readonly repos: FakeRepo[];
  /** The token that opens the private repo; tests pass it through APITEST_TOKEN. */
  readonly privateToken: string;
  /** project.toml holding every seed configuration, as github-assets-cnb users wrote them. */
  readonly projectToml: string;
  /** Each seed configuration on its own, keyed by a short name. */
  readonly entries: Readonly<Record<SeedName, string>>;
  readonly expected: Readonly<Record<SeedName, readonly ExpectedFile[]>>;
  /** A release as real ones are: builds for every platform and libc, packages, checksums, signatures. */
  readonly picking: PickingSeed;
}

/** The release the picker is tried on, with the file each platform must get. */
export interface PickingSeed {
  readonly repo: string;
  readonly tag: string;
  readonly layer: string;
  /** The source of `bin/fd` for each `arch/libc` (`amd64/gnu`, `arm64/musl`…). */
  readonly tool: Readonly<Record<string, string>>;
  /** A repo whose release has glibc builds only, so a musl image has nothing that fits. */
  readonly gnuOnlyRepo: string;
}

export type SeedName = 'grpc' | 'youtubedr' | 'jq' | 'apitest' | 'ffmpeg' | 'nats' | 'skaffold';

/** Every file and archive member gets the same mtime, so the assets are the same bytes on every run. */
const FIXED_TIME = 1_700_000_000;

const PRIVATE_TOKEN = 'ghp_seedPrivateToken0123456789abcdefABCDEF';

/** Builds every seed asset under `dir` and describes the releases a fake GitHub should serve. */
export async function buildSeedReleases(dir: string): Promise<SeedReleases> {
  await mkdir(dir, { recursive: true });
  // A program as its asset's name says it is built; `text` tells programs of the same platform apart.
  const program = async (relative: string, text: string, assetName: string): Promise<string> => {
    const file = path.join(dir, 'src', relative);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, elfImageForAsset(assetName, text));
    await chmod(file, 0o755);
    return file;
  };
  const run = (command: string, args: string[], cwd = dir): void => {
    execFileSync(command, args, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
  };
  const tar = async (options: string, archive: string, root: string, members: string[]): Promise<void> => {
    await fixTimes(path.join(dir, root));
    run('tar', [
      '--sort=name',
      '--owner=0',
      '--group=0',
      '--numeric-owner',
      `--mtime=@${FIXED_TIME}`,
      options,
      archive,
      '-C',
      root,
      ...members,
    ]);
  };
  const out = (name: string): string => path.join(dir, 'assets', name);
  await mkdir(path.join(dir, 'assets'), { recursive: true });

  // grpc_health_probe and skaffold ship raw executables; jq's jq-linux64 too.
  const grpc = await program(
    'grpc_health_probe',
    'grpc_health_probe v0.4.24',
    'grpc_health_probe-linux-amd64',
  );
  await copyFile(grpc, out('grpc_health_probe-linux-amd64'));
  const grpcArm = await program(
    'grpc_health_probe_arm64',
    'grpc_health_probe v0.4.24 arm64',
    'grpc_health_probe-linux-arm64',
  );
  await copyFile(grpcArm, out('grpc_health_probe-linux-arm64'));
  const jq = await program('jq', 'jq-1.6', 'jq-linux64');
  await copyFile(jq, out('jq-linux64'));
  const skaffold = await program('skaffold', 'skaffold v2.13.0', 'skaffold-linux-amd64');
  await copyFile(skaffold, out('skaffold-linux-amd64'));

  // youtubedr: a goreleaser tar.gz with the binary at the top, beside LICENSE and README.
  await program('youtubedr/youtubedr', 'youtubedr 2.7.0', 'youtubedr_2.7.0_linux_arm64.tar.gz');
  await writeFile(path.join(dir, 'src/youtubedr/LICENSE'), 'MIT License\n');
  await writeFile(path.join(dir, 'src/youtubedr/README.md'), '# youtubedr\n');
  await tar('-czf', out('youtubedr_2.7.0_linux_arm64.tar.gz'), 'src/youtubedr', [
    'youtubedr',
    'LICENSE',
    'README.md',
  ]);

  // apitest: a private repo's tar.gz.
  await program('apitest/apitest', 'apitest v0.1.0', 'apitest_0.1.0_linux_amd64.tar.gz');
  await tar('-czf', out('apitest_0.1.0_linux_amd64.tar.gz'), 'src/apitest', ['apitest']);

  // FFmpeg-Builds: a tar.xz whose members sit under one top directory, hence strip_components = 1.
  const top = 'ffmpeg-master-latest-linux64-gpl';
  await program(`${top}/bin/ffmpeg`, 'ffmpeg version N-master', `${top}.tar.xz`);
  await program(`${top}/bin/ffprobe`, 'ffprobe version N-master', `${top}.tar.xz`);
  await writeFile(path.join(dir, 'src', top, 'LICENSE.txt'), 'GPL\n');
  await mkdir(path.join(dir, 'src', top, 'doc'), { recursive: true });
  await writeFile(path.join(dir, 'src', top, 'doc/ffmpeg.html'), '<html></html>\n');
  await tar('-cJf', out(`${top}.tar.xz`), 'src', [top]);

  // go-nats-examples: a zip of two executables.
  await program('nats/nats-pub', 'nats-pub', 'go-nats-examples-v0.1.0-linux-amd64.zip');
  await program('nats/nats-sub', 'nats-sub', 'go-nats-examples-v0.1.0-linux-amd64.zip');
  await fixTimes(path.join(dir, 'src/nats'));
  run(
    'zip',
    ['-q', '-X', '-D', out('go-nats-examples-v0.1.0-linux-amd64.zip'), 'nats-pub', 'nats-sub'],
    path.join(dir, 'src/nats'),
  );

  // fd: a Rust release as they come, one tarball per target triple, each under its own top directory, beside
  // builds for other systems, 32-bit ARM, packages, checksums and signatures. Only the tarballs for Linux on
  // amd64 and arm64 are ever downloaded; the rest exist to be passed over.
  const fdTag = 'v10.3.0';
  const fdTool: Record<string, string> = {};
  const fdAssets: string[] = [];
  const fdTarball = async (triple: string, key?: string): Promise<void> => {
    const name = `fd-${fdTag}-${triple}.tar.gz`;
    const topDir = `fd-${fdTag}-${triple}`;
    const tool = await program(`fd/${topDir}/fd`, `fd ${fdTag} ${triple}`, name);
    await writeFile(path.join(dir, 'src/fd', topDir, 'LICENSE-MIT'), 'MIT License\n');
    await writeFile(path.join(dir, 'src/fd', topDir, 'README.md'), '# fd\n');
    await tar('-czf', out(name), 'src/fd', [topDir]);
    if (key !== undefined) fdTool[key] = tool;
    fdAssets.push(name);
  };
  await fdTarball('x86_64-unknown-linux-gnu', 'amd64/gnu');
  await fdTarball('x86_64-unknown-linux-musl', 'amd64/musl');
  await fdTarball('aarch64-unknown-linux-gnu', 'arm64/gnu');
  await fdTarball('aarch64-unknown-linux-musl', 'arm64/musl');
  await fdTarball('arm-unknown-linux-gnueabihf');
  await fdTarball('armv7-unknown-linux-musleabihf');
  await fdTarball('i686-unknown-linux-gnu');
  for (const other of [
    `fd-${fdTag}-x86_64-apple-darwin.tar.gz`,
    `fd-${fdTag}-aarch64-apple-darwin.tar.gz`,
    `fd-${fdTag}-x86_64-pc-windows-msvc.zip`,
    `fd-${fdTag}-aarch64-pc-windows-msvc.zip`,
    'fd_10.3.0_amd64.deb',
    'fd_10.3.0_arm64.deb',
    'fd-musl_10.3.0_amd64.deb',
    `fd-${fdTag}-x86_64-unknown-linux-gnu.tar.gz.sig`,
    `fd-${fdTag}-aarch64-unknown-linux-gnu.tar.gz.sig`,
    'SHA256SUMS',
    'SHA256SUMS.asc',
  ]) {
    await writeFile(out(other), `${other}: never downloaded when the picker is right\n`);
    fdAssets.push(other);
  }
  // A tool released for glibc only: nothing in it runs on a musl image.
  const gnuOnly: string[] = [];
  for (const triple of ['x86_64-unknown-linux-gnu', 'aarch64-unknown-linux-gnu']) {
    const name = `glibconly-v1.0.0-${triple}.tar.gz`;
    await program(`glibconly/${triple}/glibconly`, `glibconly ${triple}`, name);
    await tar('-czf', out(name), `src/glibconly/${triple}`, ['glibconly']);
    gnuOnly.push(name);
  }

  const src = (relative: string): string => path.join(dir, 'src', relative);
  const asset = (name: string): { name: string; file: string } => ({ name, file: out(name) });
  const repos: FakeRepo[] = [
    {
      owner: 'grpc-ecosystem',
      name: 'grpc-health-probe',
      releases: [
        {
          tag: 'v0.4.24',
          assets: [asset('grpc_health_probe-linux-amd64'), asset('grpc_health_probe-linux-arm64')],
        },
      ],
    },
    {
      owner: 'kkdai',
      name: 'youtube',
      releases: [{ tag: 'v2.7.0', assets: [asset('youtubedr_2.7.0_linux_arm64.tar.gz')] }],
    },
    {
      owner: 'stedolan',
      name: 'jq',
      // Published before GitHub computed digests: nothing to verify against but a pin.
      releases: [{ tag: 'jq-1.6', assets: [{ ...asset('jq-linux64'), digest: null }] }],
    },
    {
      owner: 'qeek-dev',
      name: 'apitest-toolchain',
      private: true,
      releases: [{ tag: 'v0.1.0', assets: [asset('apitest_0.1.0_linux_amd64.tar.gz')] }],
    },
    {
      owner: 'BtbN',
      name: 'FFmpeg-Builds',
      // BtbN publishes its rolling build under a tag literally named "latest".
      releases: [{ tag: 'latest', assets: [asset(`${top}.tar.xz`)] }],
    },
    {
      owner: 'nats-io',
      name: 'go-nats-examples',
      releases: [{ tag: 'v0.1.0', assets: [asset('go-nats-examples-v0.1.0-linux-amd64.zip')] }],
    },
    {
      owner: 'GoogleContainerTools',
      name: 'skaffold',
      releases: [{ tag: 'v2.13.0', assets: [asset('skaffold-linux-amd64')] }],
    },
    { owner: 'sharkdp', name: 'fd', releases: [{ tag: fdTag, assets: fdAssets.map(asset) }] },
    { owner: 'example', name: 'glibconly', releases: [{ tag: 'v1.0.0', assets: gnuOnly.map(asset) }] },
  ];

  const entries: Record<SeedName, string> = {
    grpc: `[[metadata.githubassets]]
repo = "grpc-ecosystem/grpc-health-probe"
asset = "grpc_health_probe-linux-amd64"
destination = "bin/grpc_health_probe"
tag = "v0.4.24"
`,
    // Users install this arm64 build on every platform; the buildpack now refuses a binary for another
    // architecture, so the configuration as written needs arch_check = false (or no asset at all).
    youtubedr: `[[metadata.githubassets]]
repo = "kkdai/youtube"
asset = "youtubedr_2.7.0_linux_arm64.tar.gz"
destination = "bin"
tag = "v2.7.0"
arch_check = false
`,
    jq: `[[metadata.githubassets]]
repo = "stedolan/jq"
asset = "jq-linux64"
destination = "bin/jq"
`,
    apitest: `[[metadata.githubassets]]
repo = "qeek-dev/apitest-toolchain"
asset = "apitest_0.1.0_linux_amd64.tar.gz"
destination = "bin"
tag = "v0.1.0"
token_env = "APITEST_TOKEN"
`,
    ffmpeg: `[[metadata.githubassets]]
repo = "BtbN/FFmpeg-Builds"
asset = "ffmpeg-master-latest-linux64-gpl.tar.xz"
strip_components = 1
`,
    nats: `[[metadata.githubassets]]
repo = "nats-io/go-nats-examples"
asset = "go-nats-examples-v0.1.0-linux-amd64.zip"
destination = "bin"
tag = "v0.1.0"
`,
    skaffold: `[[metadata.githubassets]]
repo = "GoogleContainerTools/skaffold"
asset = "skaffold-linux-amd64"
destination = "bin/skaffold"
tag = "v2.13.0"
`,
  };

  const file = (layer: string, relative: string, source: string, executable = true): ExpectedFile => ({
    layer,
    path: relative,
    source,
    executable,
  });
  const expected: Record<SeedName, ExpectedFile[]> = {
    grpc: [file('grpc-ecosystem_grpc-health-probe', 'bin/grpc_health_probe', grpc)],
    youtubedr: [
      file('kkdai_youtube', 'bin/youtubedr', src('youtubedr/youtubedr')),
      file('kkdai_youtube', 'bin/LICENSE', src('youtubedr/LICENSE'), false),
    ],
    jq: [file('stedolan_jq', 'bin/jq', jq)],
    apitest: [file('qeek-dev_apitest-toolchain', 'bin/apitest', src('apitest/apitest'))],
    ffmpeg: [
      file('BtbN_FFmpeg-Builds', 'bin/ffmpeg', src(`${top}/bin/ffmpeg`)),
      file('BtbN_FFmpeg-Builds', 'bin/ffprobe', src(`${top}/bin/ffprobe`)),
      file('BtbN_FFmpeg-Builds', 'doc/ffmpeg.html', src(`${top}/doc/ffmpeg.html`), false),
    ],
    nats: [
      file('nats-io_go-nats-examples', 'bin/nats-pub', src('nats/nats-pub')),
      file('nats-io_go-nats-examples', 'bin/nats-sub', src('nats/nats-sub')),
    ],
    skaffold: [file('GoogleContainerTools_skaffold', 'bin/skaffold', skaffold)],
  };

  return {
    repos,
    privateToken: PRIVATE_TOKEN,
    projectToml: Object.values(entries).join('\n'),
    entries,
    expected,
    picking: {
      repo: 'sharkdp/fd',
      tag: fdTag,
      layer: 'sharkdp_fd',
      tool: fdTool,
      gnuOnlyRepo: 'example/glibconly',
    },
  };
}

async function fixTimes(root: string): Promise<void> {
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (entry.isDirectory()) await fixTimes(path.join(root, entry.name));
    await utimes(path.join(root, entry.name), FIXED_TIME, FIXED_TIME);
  }
  await utimes(root, FIXED_TIME, FIXED_TIME);
}
