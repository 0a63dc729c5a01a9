import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { loadAssetConfig } from '../../src/config/load-asset-config.js';
import type { AssetConfig } from '../../src/config/asset-entry.js';

const appDirs: string[] = [];

afterEach(async () => {
  await Promise.all(appDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A fresh app dir holding `files` (relative path → content), removed after the test. */
export async function makeAppDir(files: Readonly<Record<string, string | Uint8Array>> = {}): Promise<string> {
  const appDir = await mkdtemp(path.join(tmpdir(), 'config-test-'));
  appDirs.push(appDir);
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(appDir, name)), { recursive: true });
    await writeFile(path.join(appDir, name), content);
  }
  return appDir;
}

/** Loads `projectToml` as the app's project.toml, with `vars` as the environment. */
export async function loadToml(
  projectToml: string,
  vars: Readonly<Record<string, string>> = {},
): Promise<AssetConfig | undefined> {
  const appDir = await makeAppDir({ 'project.toml': projectToml });
  return loadAssetConfig({ appDir, env: (name) => vars[name] });
}

/** Loads `projectToml` and returns the ConfigError's message; fails the test if it loads. */
export async function configErrorOf(
  projectToml: string,
  vars: Readonly<Record<string, string>> = {},
): Promise<string> {
  return messageOf(loadToml(projectToml, vars));
}

/** The message of the ConfigError the promise rejects with; fails the test on anything else. */
export async function messageOf(loading: Promise<unknown>): Promise<string> {
  try {
    await loading;
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError, but the configuration loaded');
}

/** One `[[metadata.githubassets]]` entry with repo and asset, followed by `extra` lines. */
export function entryToml(extra = '', repo = 'stedolan/jq', asset = 'jq-linux64'): string {
  return `[[metadata.githubassets]]\nrepo = "${repo}"\nasset = "${asset}"\n${extra}\n`;
}
