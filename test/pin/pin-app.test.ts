import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import TOML from '@iarna/toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAssetConfig } from '../../src/config/load-asset-config.js';
import { pinnedSha256 } from '../../src/config/platform-pin.js';
import { startFakeGitHub, type FakeGitHub } from '../../tools/fake-github/index.js';
import { createBuildpackApi } from '../../tools/pin/buildpack-api.js';
import { pinApp, TARGET_PLATFORMS } from '../../tools/pin/pin-app.js';
import { buildpackDir } from '../helpers/built-buildpack.js';
import { tempDir } from '../helpers/temp-dir.js';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const TOKEN = 'ghp_pinTestToken0000000000000000000000000';

let github: FakeGitHub;
const bytes: Record<string, Buffer> = {};

async function assetFile(dir: string, name: string): Promise<{ name: string; file: string }> {
  const content = Buffer.from(`${name} ${Math.random()}\n`);
  bytes[name] = content;
  const file = path.join(dir, name);
  await writeFile(file, content);
  return { name, file };
}

const PICKED_ASSETS = [
  'picked-linux-amd64',
  'picked-linux-arm64',
  'picked-linux-armv7',
  'picked-darwin-arm64',
  'picked_1.0.0_arm64.deb',
  'checksums.txt',
];

beforeAll(async () => {
  const dir = await tempDir('pin-assets-');
  github = await startFakeGitHub({
    tokens: [TOKEN],
    repos: [
      {
        owner: 'acme',
        name: 'tool',
        releases: [
          {
            tag: 'v2.0.0',
            assets: [
              await assetFile(dir, 'tool_2.0.0_linux_amd64.tar.gz'),
              await assetFile(dir, 'tool_2.0.0_linux_arm64.tar.gz'),
            ],
          },
          { tag: 'v1.0.0', assets: [await assetFile(dir, 'tool_1.0.0_linux_amd64.tar.gz')] },
        ],
      },
      {
        owner: 'acme',
        name: 'script',
        releases: [{ tag: 'r7', assets: [await assetFile(dir, 'install.sh')] }],
      },
      // Builds for several platforms, a package and a checksums file: the entry names no asset.
      {
        owner: 'acme',
        name: 'picked',
        releases: [
          { tag: 'v1.0.0', assets: await Promise.all(PICKED_ASSETS.map((name) => assetFile(dir, name))) },
        ],
      },
      {
        owner: 'acme',
        name: 'secret',
        private: true,
        releases: [{ tag: 'v3', assets: [await assetFile(dir, 'secret-linux-x86_64')] }],
      },
    ],
  });
});

afterAll(async () => {
  await github.close();
});

const PROJECT = `# Build-time tools; pinned by npm run pin.
[_]
id = "example"   # keep this spacing

[[metadata.githubassets]]
repo = "acme/tool"
asset = "tool_{version}_{os}_{arch}.tar.gz"

[[metadata.githubassets]]
repo = "acme/script"   # a script for every platform
asset = "install.sh"
tag = "latest"

[[metadata.githubassets]]
repo = "acme/secret"
asset = "secret-{os}-{arch}"
token_env = "SECRET_TOKEN"

[io.example.unrelated]
tag = "left alone"
list = [1, 2, 3]
`;

describe('pinApp against the GitHub look-alike', () => {
  it('writes exact tags and per-platform pins, keeping everything else byte for byte, then finds nothing to do', async () => {
    const app = await tempDir('pin-app-');
    await writeFile(path.join(app, 'project.toml'), PROJECT);
    const env = (name: string) => ({ BP_GITHUB_API_URL: github.apiUrl, SECRET_TOKEN: TOKEN })[name];
    const api = createBuildpackApi(env);
    try {
      const result = await pinApp(app, api);
      const text = await readFile(path.join(app, 'project.toml'), 'utf8');
      const amd = sha256(bytes['tool_2.0.0_linux_amd64.tar.gz'] ?? Buffer.alloc(0));
      const arm = sha256(bytes['tool_2.0.0_linux_arm64.tar.gz'] ?? Buffer.alloc(0));
      const script = sha256(bytes['install.sh'] ?? Buffer.alloc(0));
      const secret = sha256(bytes['secret-linux-x86_64'] ?? Buffer.alloc(0));
      expect(text).toBe(
        PROJECT.replace(
          'asset = "tool_{version}_{os}_{arch}.tar.gz"\n',
          `asset = "tool_{version}_{os}_{arch}.tar.gz"\ntag = "v2.0.0"\nsha256 = { "linux/amd64" = "${amd}", "linux/arm64" = "${arm}" }\n`,
        )
          .replace(
            'asset = "install.sh"\ntag = "latest"\n',
            `asset = "install.sh"\nsha256 = "${script}"\ntag = "r7"\n`,
          )
          .replace(
            'asset = "secret-{os}-{arch}"\n',
            `asset = "secret-{os}-{arch}"\ntag = "v3"\nsha256 = { "linux/amd64" = "${secret}" }\n`,
          ),
      );
      expect(result.changes).toHaveLength(3);
      expect(result.skipped).toEqual([
        expect.stringMatching(/^entry 3 \(acme\/secret\) linux\/arm64: .*no asset matches for linux\/arm64/),
      ]);

      // The buildpack reads back what pin wrote, and each platform gets its own digest.
      const config = await loadAssetConfig({ appDir: app, env });
      const [tool, shell] = config?.entries ?? [];
      expect(tool && pinnedSha256(tool, { os: 'linux', arch: 'arm64' })).toEqual({
        status: 'pinned',
        sha256: arm,
      });
      expect(shell && pinnedSha256(shell, { os: 'linux', arch: 'amd64' })).toEqual({
        status: 'pinned',
        sha256: script,
      });
      expect((TOML.parse(text)['io'] as Record<string, unknown>)['example']).toEqual({
        unrelated: { tag: 'left alone', list: [1, 2, 3] },
      });

      const again = await pinApp(app, api);
      expect(again.changes).toEqual([]);
      expect(await readFile(path.join(app, 'project.toml'), 'utf8')).toBe(text);
    } finally {
      await api.close();
    }
  });

  it('pins an entry without asset to the build the buildpack picks for each platform', async () => {
    const app = await tempDir('pin-picked-');
    const project = '[[metadata.githubassets]]\nrepo = "acme/picked"\n';
    await writeFile(path.join(app, 'project.toml'), project);
    const api = createBuildpackApi((name) => ({ BP_GITHUB_API_URL: github.apiUrl })[name]);
    try {
      await pinApp(app, api);
      const amd = sha256(bytes['picked-linux-amd64'] ?? Buffer.alloc(0));
      const arm = sha256(bytes['picked-linux-arm64'] ?? Buffer.alloc(0));
      expect(await readFile(path.join(app, 'project.toml'), 'utf8')).toBe(
        `${project}tag = "v1.0.0"\nsha256 = { "linux/amd64" = "${amd}", "linux/arm64" = "${arm}" }\n`,
      );
    } finally {
      await api.close();
    }
  });

  it('sends the token only for the entry that names it, and never prints it', async () => {
    const app = await tempDir('pin-app-');
    await writeFile(path.join(app, 'project.toml'), PROJECT);
    github.resetRequests();
    const api = createBuildpackApi(
      (name) => ({ BP_GITHUB_API_URL: github.apiUrl, SECRET_TOKEN: TOKEN })[name],
    );
    try {
      await pinApp(app, api);
    } finally {
      await api.close();
    }
    const authorised = github.requests.filter((r) => r.headers.authorization !== undefined);
    expect(authorised.length).toBeGreaterThan(0);
    expect(authorised.every((r) => r.origin === 'api' && r.path.includes('/acme/secret/'))).toBe(true);
  });

  it('pins for exactly the platforms buildpack.toml targets', async () => {
    const descriptor = TOML.parse(await readFile(path.join(buildpackDir, 'buildpack.toml'), 'utf8'));
    const targets = (descriptor['targets'] as { os: string; arch: string }[]).map((t) => ({
      os: t.os,
      arch: t.arch,
    }));
    expect([...TARGET_PLATFORMS]).toEqual(targets);
  });
});

describe('npm run pin (dist/pin.cjs)', () => {
  const pinCli = path.join(buildpackDir, 'dist', 'pin.cjs');
  const run = promisify(execFile);

  it.runIf(existsSync(pinCli))('prints usage for --help, and prints what changed', async () => {
    const help = await run(process.execPath, [pinCli, '--help']);
    expect(help.stdout).toMatch(/^usage: npm run pin -- \[--help\] APP_DIR/);
    const app = await tempDir('pin-cli-');
    await writeFile(
      path.join(app, 'project.toml'),
      '[[metadata.githubassets]]\nrepo = "acme/script"\nasset = "install.sh"\n',
    );
    const { stdout } = await run(process.execPath, [pinCli, app], {
      env: { ...process.env, BP_GITHUB_API_URL: github.apiUrl, GITHUB_API_URL: '' },
    });
    expect(stdout).toBe(
      `project.toml: entry 1: tag (latest) -> "r7"; sha256 (none) -> "${sha256(bytes['install.sh'] ?? Buffer.alloc(0))}"\n`,
    );
    const usage = await run(process.execPath, [pinCli]).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(usage).toMatchObject({ code: 2, stderr: expect.stringContaining('usage: npm run pin') });
  });
});
