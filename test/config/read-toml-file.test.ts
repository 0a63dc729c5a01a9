import { execFileSync } from 'node:child_process';
import { open, symlink, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { loadAssetConfig } from '../../src/config/load-asset-config.js';
import { MAX_CONFIG_BYTES } from '../../src/config/read-toml-file.js';
import { makeAppDir, messageOf } from './helpers.js';

const ENTRY = '[[metadata.githubassets]]\nrepo = "jqlang/jq"\nasset = "jq-linux-amd64"\n';

/** Loads the app dir's configuration with no variables set, or with GITHUB_ASSETS_PATH = `named`. */
function load(appDir: string, named?: string): ReturnType<typeof loadAssetConfig> {
  return loadAssetConfig({
    appDir,
    env: (name) => (name === 'GITHUB_ASSETS_PATH' ? named : undefined),
  });
}

describe('readTomlFile: only a regular file of bounded size is read', () => {
  it('refuses project.toml linked to /dev/zero at once, naming the file and what it is', async () => {
    const appDir = await makeAppDir();
    await symlink('/dev/zero', path.join(appDir, 'project.toml'));
    const error: unknown = await load(appDir).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(
      /^project\.toml is not a regular file \(it is a character device\); only a regular file is read/,
    );
  });

  it('refuses a FIFO without waiting for a writer', async () => {
    const appDir = await makeAppDir();
    execFileSync('mkfifo', [path.join(appDir, 'project.toml')]);
    // Were the FIFO opened blocking, this would wait forever (the test times out instead of passing).
    expect(await messageOf(load(appDir))).toMatch(
      /^project\.toml is not a regular file \(it is a named pipe \(FIFO\)\)/,
    );
  });

  it('refuses a FIFO named by GITHUB_ASSETS_PATH, with the advice for the variable', async () => {
    const appDir = await makeAppDir();
    execFileSync('mkfifo', [path.join(appDir, 'assets.fifo')]);
    const message = await messageOf(load(appDir, 'assets.fifo'));
    expect(message).toContain('assets.fifo is not a regular file');
    expect(message).toContain('Point GITHUB_ASSETS_PATH at a TOML file.');
  });

  it('refuses a file over the cap, naming the file and the cap, without reading it', async () => {
    const appDir = await makeAppDir();
    const file = path.join(appDir, 'project.toml');
    await writeFile(file, ENTRY);
    // A sparse 1 GiB file: reading it whole would take a gigabyte of memory.
    await truncate(file, 1024 ** 3);
    expect(await messageOf(load(appDir))).toBe(
      `project.toml is larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MiB, the limit for a configuration file; ` +
        'a real one is a few kilobytes. Replace it with a TOML file, or set GITHUB_ASSETS_PATH to the file that ' +
        'holds [[metadata.githubassets]].',
    );
  });

  it('reads a file of exactly the cap, and refuses one byte more', async () => {
    const appDir = await makeAppDir();
    const file = path.join(appDir, 'project.toml');
    const comment = '#'.repeat(MAX_CONFIG_BYTES - ENTRY.length - 1);
    await writeFile(file, `${ENTRY}${comment}\n`);
    expect((await load(appDir))?.entries).toHaveLength(1);
    await writeFile(file, `${ENTRY}${comment}#\n`);
    expect(await messageOf(load(appDir))).toMatch(/larger than 4 MiB/);
  });

  it('still follows a symlink to a regular file', async () => {
    const appDir = await makeAppDir({ 'conf/real.toml': ENTRY });
    await symlink('conf/real.toml', path.join(appDir, 'project.toml'));
    expect((await load(appDir))?.entries).toHaveLength(1);
  });

  it.skipIf(process.getuid?.() === 0)('refuses a file without read permission as before', async () => {
    const appDir = await makeAppDir({ 'project.toml': ENTRY });
    const handle = await open(path.join(appDir, 'project.toml'), 'r');
    await handle.chmod(0);
    await handle.close();
    expect(await messageOf(load(appDir))).toContain('project.toml cannot be read (permission denied)');
  });
});
