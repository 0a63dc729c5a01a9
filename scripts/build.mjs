// `npm run build`: bundles src/main.ts (and tools/*/main.ts) with esbuild into dist/, then makes bin/run,
// a Node single-executable application for this machine, with bin/detect and bin/build symlinked to it.
// The lifecycle execs bin/detect and bin/build directly and the build image has no Node.js, hence the SEA.
//
import { existsSync, lstatSync, readlinkSync } from 'node:fs';
import { readFile, rm, stat, symlink } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseCommandLine } from './_cli.mjs';
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
import {
  SEA_RUNTIME_OPTIONS,
  injectSeaBlob,
  stripToolFor,
  readStamp,
  sha256,
  writeSeaBlob,
  writeStamp,
} from './_sea.mjs';

const USAGE = `usage: npm run build -- [--no-code-cache] [--force]
Bundles src/ and tools/ into dist/ and makes bin/run (bin/detect, bin/build) for this machine.
  --no-code-cache  make an architecture-independent blob (no V8 code cache); slower startup
  --force          re-inject even when the bundle, SEA options and Node binary are unchanged`;
const { values: flags } = parseCommandLine(
  { options: { 'no-code-cache': { type: 'boolean' }, force: { type: 'boolean' } } },
  USAGE,
);
const started = performance.now();
const BIN = join(ROOT, 'bin');
const RUN = join(BIN, 'run');

try {
  if (!HOST_ARCH) throw new Error(`cannot build bin/run on ${process.arch}: only x64 and arm64 are shipped`);
  const meta = await readBuildpackMetadata();
  const outputs = await bundleAll();

  const nodeBinary = await nodeBinaryFor(HOST_ARCH, meta.nodeVersion, { log: console.log });
  const useCodeCache = !flags['no-code-cache'];
  const stripTool = stripToolFor(HOST_ARCH);
  if (!stripTool) console.log(`  no strip for ${HOST_ARCH} here (binutils): bin/run keeps Node's symbols`);

  // Copying and injecting the ~120 MB binary is most of the build time: skip it when its inputs (bundle,
  // SEA options, Node binary) are unchanged and bin/run is the file we made. The inputs are hashed rather
  // than the blob, because a blob with code cache differs from run to run.
  const binaryStat = await stat(nodeBinary);
  const inputs = sha256(
    JSON.stringify({
      bundle: sha256(await readFile(BUNDLE)),
      useCodeCache,
      runtime: SEA_RUNTIME_OPTIONS,
      stripped: stripTool !== null,
      node: [meta.nodeVersion, binaryStat.size, binaryStat.mtimeMs],
    }),
  );
  const stampPath = join(BUILD, 'sea', 'run.stamp.json');
  const previous = await readStamp(stampPath);
  const upToDate = !flags.force && previous?.inputs === inputs && previous.run === (await fileIdentity(RUN));
  let blobSize = previous?.blobSize;
  if (!upToDate) {
    const blobPath = join(BUILD, 'sea', `${HOST_ARCH}.blob`);
    const blob = await writeSeaBlob({ generator: nodeBinary, bundle: BUNDLE, blobPath, useCodeCache });
    await injectSeaBlob({ nodeBinary, blob, out: RUN, stripTool });
    blobSize = blob.length;
    await writeStamp(stampPath, { inputs, run: await fileIdentity(RUN), blobSize });
  }
  await ensurePhaseLinks();

  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`built ${meta.id}@${meta.version} in ${seconds}s (Node ${meta.nodeVersion}, ${HOST_ARCH})`);
  for (const out of outputs) console.log(`  ${relative(ROOT, out).padEnd(24)} ${await fileSize(out)}`);
  const note = upToDate ? 'unchanged, not re-injected' : useCodeCache ? 'with code cache' : 'no code cache';
  console.log(
    `  ${'bin/run'.padEnd(24)} ${await fileSize(RUN)} (SEA blob ${formatBytes(blobSize)}, ${note})`,
  );
  console.log(`  ${'bin/detect, bin/build'.padEnd(24)} -> run`);
} catch (error) {
  console.error(`build failed: ${error.message}`);
  process.exitCode = 1;
}

// Size and mtime of a file, or null when it is missing: enough to notice bin/run was replaced.
async function fileIdentity(path) {
  if (!existsSync(path)) return null;
  const { size, mtimeMs } = await stat(path);
  return `${size} ${mtimeMs}`;
}

// bin/detect and bin/build are committed symlinks; recreate them if a checkout lost them.
async function ensurePhaseLinks() {
  for (const phase of ['detect', 'build']) {
    const link = join(BIN, phase);
    const ok = existsSync(link) && lstatSync(link).isSymbolicLink() && readlinkSync(link) === 'run';
    if (!ok) {
      await rm(link, { force: true });
      await symlink('run', link);
    }
  }
}
