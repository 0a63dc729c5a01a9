/**
 * sigstore-js is most of the verification code and costs start-up time: it must be evaluated only when an
 * asset has provenance to check, never by detect or by a rebuild that reuses its layers. Each sigstore
 * package is the real one, counted as it is evaluated in this process; the cold build that verifies runs
 * in the built executable, so only the detect and the rebuild run here until the control at the end.
 */
import { createHash } from 'node:crypto';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { build } from '../../src/build.js';
import { readBuildpackDescriptor } from '../../src/cnb/buildpack-descriptor.js';
import { detect } from '../../src/detect.js';
import { createInstallServices } from '../../src/install/create-services.js';
import { startFakeGitHub, type FakeGitHub } from '../../tools/fake-github/index.js';
import { recordingLogger } from '../github/helpers.js';
import { runLifecycle } from '../../tools/lifecycle/lifecycle.js';
import { requireBuiltBuildpack } from '../helpers/built-buildpack.js';
import { tempDir } from '../helpers/temp-dir.js';
import { makeSigstoreFixture } from '../provenance/helpers/sigstore-fixture.js';

const { evaluated, counted } = vi.hoisted(() => {
  const evaluated = { count: 0 };
  const counted = async (original: () => Promise<unknown>) => {
    evaluated.count += 1;
    return original();
  };
  return { evaluated, counted };
});
vi.mock('@sigstore/verify', counted);
vi.mock('@sigstore/bundle', counted);
vi.mock('@sigstore/tuf', counted);
vi.mock('@sigstore/protobuf-specs', counted);

const TOOL = Buffer.from('#!/bin/sh\necho tool\n');
let github: FakeGitHub;
let trustedRoot: string;
let buildpackDir: string;

beforeAll(async () => {
  buildpackDir = requireBuiltBuildpack();
  const dir = await tempDir('lazy-sigstore-');
  await writeFile(path.join(dir, 'tool-linux-amd64'), TOOL);
  const fixture = await makeSigstoreFixture();
  const sha256 = createHash('sha256').update(TOOL).digest('hex');
  github = await startFakeGitHub({
    repos: [
      {
        owner: 'acme',
        name: 'tool',
        releases: [
          { tag: 'v1', assets: [{ name: 'tool-linux-amd64', file: path.join(dir, 'tool-linux-amd64') }] },
        ],
        attestations: [
          {
            sha256,
            bundle: await fixture.attest({
              subjects: [{ name: 'tool-linux-amd64', sha256 }],
              san: 'https://github.com/acme/tool/.github/workflows/release.yml@refs/tags/v1',
            }),
          },
        ],
      },
    ],
  });
  trustedRoot = path.join(dir, 'trusted_root.json');
  await writeFile(trustedRoot, JSON.stringify(fixture.trustedRoot));
});

afterAll(async () => {
  await github.close();
});

async function app(): Promise<string> {
  const dir = await tempDir('lazy-sigstore-app-');
  await writeFile(
    path.join(dir, 'project.toml'),
    '[[metadata.githubassets]]\nrepo = "acme/tool"\nasset = "tool-linux-amd64"\ntag = "v1"\ndestination = "bin/tool"\n',
  );
  return dir;
}

const vars = (): Record<string, string> => ({
  BP_GITHUB_API_URL: github.apiUrl,
  BP_GITHUB_ASSETS_TRUSTED_ROOT: trustedRoot,
});

async function buildIn(appDir: string, layersDir: string): Promise<string> {
  const { logger, lines } = recordingLogger();
  const env = vars();
  await build({
    appDir,
    layersDir,
    buildpack: await readBuildpackDescriptor(buildpackDir),
    target: { os: 'linux', arch: 'amd64', variant: undefined, libc: 'gnu' },
    env: (name) => env[name],
    bindings: [],
    logger,
    createServices: (settings, log) => createInstallServices(settings, log, 'test'),
  });
  return lines.join('\n');
}

describe('sigstore-js is evaluated only to verify', () => {
  it('not by detect nor by a rebuild that reuses its layers, though a cold build loads it', async () => {
    const appDir = await app();
    const cold = await runLifecycle({
      buildpackDir,
      appDir,
      stateDir: await tempDir('lazy-state-'),
      env: vars(),
    });
    expect(cold.build?.code, cold.build?.output).toBe(0);
    expect(cold.build?.output).toMatch(
      /Provenance: built by acme\/tool\/\.github\/workflows\/release\.yml@refs\/tags\/v1/,
    );
    // The TUF directory is no layer and is gone once the build ends.
    expect((await readdir(cold.layersDir)).filter((name) => name.startsWith('.'))).toEqual([]);
    const layersDir = cold.layersDir;
    expect(evaluated.count).toBe(0);

    const { logger } = recordingLogger();
    expect((await detect({ appDir, env: () => undefined, logger })).pass).toBe(true);
    github.resetRequests();
    const rebuild = await buildIn(appDir, layersDir);
    expect(rebuild).toContain('Reusing layer: configuration unchanged');
    expect(github.requests).toEqual([]);
    expect(evaluated.count).toBe(0);

    // The control: the same build in this process with no layer to reuse evaluates sigstore.
    await buildIn(appDir, await tempDir('lazy-sigstore-layers-'));
    expect(evaluated.count).toBeGreaterThan(0);
  });
});
