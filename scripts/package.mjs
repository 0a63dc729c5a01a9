// `npm run package`: builds the buildpack for linux/amd64 and linux/arm64 from the official Node binaries
// of the pinned version and writes, under the output directory (build/ unless --out DIR):
//
//   buildpack/                         multi-arch buildpack root for `pack buildpack package --target ...`
//     buildpack.toml                   read by pack for [[targets]]: both arches
//     package.toml                     [buildpack] uri = "."
//     linux/amd64/{buildpack.toml, bin/run, bin/detect -> run, bin/build -> run, README.md, LICENSE}
//     linux/arm64/...                  same, with the aarch64 executable
//   <id>-<version>-linux-<arch>.tgz    one ready buildpack per arch, for `pack build --buildpack <tgz>`
//
// Each linux/<arch>/buildpack.toml and each .tgz declares only its own target (scripts/_descriptor.mjs), so
// pack refuses the wrong-arch one on a builder before any build, instead of an "exec format error" at detect.
//
// The per-target directories follow RFC 0128 "Multi-arch support for builders and buildpack packages"
// (buildpacks/rfcs text/0128-multiarch-builders-and-package.md: "<buildpack root>/{os}/{arch}/bin/...",
// the "platform root folder"), as implemented by pack's pkg/buildpack/multi_architecture_helper.go:
// PlatformRootFolder resolves <root>/linux/<arch>, and CopyConfigFiles copies the ROOT buildpack.toml over
// <root>/linux/<arch>/buildpack.toml (os.Create) and hands the copies back for deletion when pack exits. So
// `pack buildpack package` run on build/buildpack/ replaces our single-target descriptors and then deletes
// them, leaving linux/<arch>/ without a buildpack.toml. Package from a throwaway copy instead (a full copy:
// a hard-linked one would have pack truncate our file through the shared inode):
//   npm run package
//   rm -rf /tmp/pack-input && cp -r build/buildpack /tmp/pack-input && cd /tmp/pack-input && \
//     pack buildpack package <name>.cnb --config package.toml --format file \
//     --target linux/amd64 --target linux/arm64
//
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { create } from 'tar';
import { parseCommandLine } from './_cli.mjs';
import { descriptorForTarget } from './_descriptor.mjs';
import { nodeBinaryFor } from './_node-dist.mjs';
import {
  BUILD,
  BUNDLE,
  HOST_ARCH,
  ROOT,
  bundleAll,
  fileSize,
  formatBytes,
  readBuildpackMetadata,
} from './_project.mjs';
import { ELF_MACHINE, EMULATOR, injectSeaBlob, readElfHeader, stripToolFor, writeSeaBlob } from './_sea.mjs';

const ARCHES = ['amd64', 'arm64'];
// The executables and the links to them; every other include-files entry is copied from the repo root.
const GENERATED = new Set(['bin/run', 'bin/detect', 'bin/build']);
// Fixed mtime so that the same inputs give the same tarball.
const EPOCH = new Date('2000-01-01T00:00:00Z');

const USAGE = `usage: npm run package -- [--out DIR] [--no-code-cache] [--no-bundle] [--emulated-code-cache]
  --no-code-cache        no V8 code cache in any blob (slower start, ~20 ms for detect)
  --emulated-code-cache  give the other arch a code cache too, made by its own Node under qemu-user
                         (apt-get install qemu-user libc6-arm64-cross libstdc++6-arm64-cross); checked
                         under qemu only, not on real hardware, hence not the default
  --no-bundle            package dist/buildpack.cjs as npm run build left it instead of bundling src/ again
Writes the multi-arch layout build/buildpack/ and one .tgz per arch (see the top of scripts/package.mjs).`;
const { values: flags } = parseCommandLine(
  {
    options: {
      out: { type: 'string' },
      'no-code-cache': { type: 'boolean' },
      'no-bundle': { type: 'boolean' },
      'emulated-code-cache': { type: 'boolean' },
    },
  },
  USAGE,
);
const out = flags.out ? resolve(flags.out) : BUILD;
const started = performance.now();

try {
  if (!HOST_ARCH) throw new Error(`cannot package on ${process.arch}: the blob needs a Node that runs here`);
  const meta = await readBuildpackMetadata();
  if (!flags['no-bundle']) await bundleAll({ tools: false });
  else if (!existsSync(BUNDLE)) throw new Error(`--no-bundle: ${show(BUNDLE)} is missing; run npm run build`);
  const generator = await nodeBinaryFor(HOST_ARCH, meta.nodeVersion, { log: console.log });

  const layoutRoot = join(out, 'buildpack');
  await rm(layoutRoot, { recursive: true, force: true });
  await mkdir(layoutRoot, { recursive: true });
  await writeFile(join(layoutRoot, 'buildpack.toml'), meta.descriptorText);
  await writeFile(
    join(layoutRoot, 'package.toml'),
    '# Written by scripts/package.mjs. Run pack from this directory; see that script for the command.\n' +
      '[buildpack]\nuri = "."\n',
  );

  const made = [];
  for (const arch of ARCHES) {
    const platformRoot = join(layoutRoot, 'linux', arch);
    const skipped = await layOutPlatformRoot({ meta, arch, generator, platformRoot });
    const tarball = join(out, `${meta.id.replaceAll('/', '_')}-${meta.version}-linux-${arch}.tgz`);
    made.push({ arch, platformRoot, tarball, skipped });
  }
  await Promise.all(made.map(({ platformRoot, tarball }) => writeTarball(platformRoot, tarball)));

  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`packaged ${meta.id}@${meta.version} for ${ARCHES.join(', ')} in ${seconds}s`);
  for (const { platformRoot, tarball, skipped } of made) {
    const run = join(platformRoot, 'bin', 'run');
    console.log(`  ${show(run).padEnd(64)} ${await fileSize(run)}`);
    console.log(`  ${show(tarball).padEnd(64)} ${await fileSize(tarball)}`);
    for (const file of skipped) console.log(`  (include-files: ${file} does not exist, not packaged)`);
  }
  console.log(`  ${show(join(layoutRoot, 'package.toml')).padEnd(64)} uri = "."`);
} catch (error) {
  console.error(`package failed: ${error.message}`);
  process.exitCode = 1;
}

// Fills <layout>/linux/<arch>/ with buildpack.toml, the include-files and the executable. Returns the
// include-files entries that do not exist in the repo.
async function layOutPlatformRoot({ meta, arch, generator, platformRoot }) {
  await mkdir(join(platformRoot, 'bin'), { recursive: true, mode: 0o755 });
  const nodeBinary = await nodeBinaryFor(arch, meta.nodeVersion, { log: console.log });
  // Code cache is V8 data for one architecture (elsewhere Node rejects it with a warning on every start):
  // the host's arch gets it from the host's Node; the other arch gets an architecture-independent blob
  // (same Node version, so it loads there), or with --emulated-code-cache one made by its own Node.
  const emulated = arch !== HOST_ARCH && flags['emulated-code-cache'];
  const useCodeCache = (arch === HOST_ARCH || emulated) && !flags['no-code-cache'];
  const blobPath = join(out, 'sea', `package-${arch}.blob`);
  const blob = await writeSeaBlob({
    generator: emulated ? [...EMULATOR[arch], nodeBinary] : generator,
    bundle: BUNDLE,
    blobPath,
    useCodeCache,
  });
  const run = join(platformRoot, 'bin', 'run');
  const stripTool = stripToolFor(arch);
  await injectSeaBlob({ nodeBinary, blob, out: run, stripTool });
  const elf = await readElfHeader(run);
  if (elf?.machine !== ELF_MACHINE[arch]) {
    throw new Error(`${show(run)} is not an ELF executable for ${arch} (e_machine ${elf?.machine})`);
  }
  const cache = useCodeCache ? ` with code cache${emulated ? ` (made under ${EMULATOR[arch][0]})` : ''}` : '';
  const stripped = stripTool ? `, symbols stripped (${stripTool})` : ', NOT stripped: no strip for it here';
  console.log(`  ${arch}: SEA blob ${formatBytes(blob.length)}${cache}${stripped}`);
  for (const phase of ['detect', 'build']) await symlink('run', join(platformRoot, 'bin', phase));

  await writeFile(join(platformRoot, 'buildpack.toml'), descriptorForTarget(meta.descriptorText, arch));
  const skipped = [];
  for (const file of meta.includeFiles) {
    if (GENERATED.has(file) || file === 'buildpack.toml') continue;
    if (isAbsolute(file) || file.split('/').includes('..'))
      throw new Error(`include-files: bad path ${file}`);
    const source = join(ROOT, file);
    if (!existsSync(source)) {
      skipped.push(file);
      continue;
    }
    await mkdir(join(platformRoot, file, '..'), { recursive: true });
    await copyFile(source, join(platformRoot, file));
    await chmod(join(platformRoot, file), 0o644);
  }
  return skipped;
}

// A gzipped tarball whose root is the buildpack (buildpack.toml, bin/...): symlinks stay symlinks,
// executables 0755, no owner names, fixed mtimes.
async function writeTarball(platformRoot, tarball) {
  const entries = [];
  const walk = async (dir) => {
    for (const entry of (await readdir(join(platformRoot, dir), { withFileTypes: true })).sort(byName)) {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      entries.push(entry.isDirectory() ? `${path}/` : path);
      if (entry.isDirectory()) await walk(path);
    }
  };
  await walk('');
  await rm(tarball, { force: true });
  await create(
    { file: tarball, cwd: platformRoot, gzip: true, portable: true, noDirRecurse: true, mtime: EPOCH },
    entries,
  );
}

function byName(a, b) {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function show(path) {
  const rel = relative(ROOT, path);
  return rel.startsWith('..') ? path : rel;
}
