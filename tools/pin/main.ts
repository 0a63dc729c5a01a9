/**
 * `npm run pin -- [--help] APP_DIR`: resolves every entry of the app's project.toml for every platform the
 * buildpack targets, downloads and hashes each asset, and writes the exact tag and sha256 pins into the
 * file, keeping the rest of it byte for byte. Reads BP_GITHUB_API_URL / GITHUB_API_URL, GITHUB_TOKEN and
 * each entry's token_env like the build does.
 */
import { parseArgs } from 'node:util';
import { createBuildpackApi } from './buildpack-api.js';
import { pinApp, TARGET_PLATFORMS } from './pin-app.js';

const USAGE = `usage: npm run pin -- [--help] APP_DIR

Pins every [[metadata.githubassets]] entry of APP_DIR/project.toml: resolves its release (the latest when
tag is unset or "latest") and, for each platform the buildpack targets (${TARGET_PLATFORMS.map((p) => `${p.os}/${p.arch}`).join(', ')}),
the asset the entry picks; downloads and hashes it, and writes into the file
  tag = "<the exact tag>"
  sha256 = "<hex>"                                   (one file for every platform)
  sha256 = { "linux/amd64" = "<hex>", "linux/arm64" = "<hex>" }   (a file per platform)
Only those lines change; comments, order and other tables stay as they are. A pinned app rebuilds
without asking GitHub anything.

Environment, as for the build:
  BP_GITHUB_API_URL, GITHUB_API_URL   the GitHub API (default https://api.github.com)
  GITHUB_TOKEN, and each entry's token_env   tokens for private repositories and rate limits
  GITHUB_ASSETS_PATH                  another config file than project.toml`;

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: { help: { type: 'boolean', short: 'h', default: false } },
    });
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.values.help) {
    console.log(USAGE);
    return 0;
  }
  const appDir = parsed.positionals[0];
  if (appDir === undefined || parsed.positionals.length > 1) {
    console.error(USAGE);
    return 2;
  }
  const api = createBuildpackApi((name) => process.env[name]);
  try {
    const result = await pinApp(appDir, api);
    for (const line of result.skipped) console.error(`warning: not pinned: ${line}`);
    if (result.changes.length === 0)
      console.log(`${result.file}: every entry is already pinned; nothing changed.`);
    else for (const change of result.changes) console.log(`${result.file}: ${change}`);
    return 0;
  } catch (error) {
    console.error(`pin failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await api.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
