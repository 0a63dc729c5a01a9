import { afterAll, beforeAll } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../../tools/fake-github/index.js';
import { buildSeedReleases, type SeedReleases } from '../../tools/seed-releases/seed-releases.js';
import { requireBuiltBuildpack } from './built-buildpack.js';
import { tempDir } from './temp-dir.js';

export interface SeededGitHub {
  readonly buildpackDir: string;
  readonly seeds: SeedReleases;
  readonly github: FakeGitHub;
}

/**
 * For a test file that runs the built buildpack against the seed releases: checks the build, builds the
 * seeds and serves them from a GitHub look-alike for the whole file. Read the fields inside tests only.
 */
export function useSeededGitHub(): SeededGitHub {
  const state: { buildpackDir?: string; seeds?: SeedReleases; github?: FakeGitHub } = {};
  beforeAll(async () => {
    state.buildpackDir = requireBuiltBuildpack();
    state.seeds = await buildSeedReleases(await tempDir('seeds-'));
    state.github = await startFakeGitHub({ repos: state.seeds.repos, tokens: [state.seeds.privateToken] });
  });
  afterAll(async () => {
    await state.github?.close();
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useSeededGitHub(): read its fields inside a test');
    return value;
  };
  return {
    get buildpackDir() {
      return ready(state.buildpackDir);
    },
    get seeds() {
      return ready(state.seeds);
    },
    get github() {
      return ready(state.github);
    },
  };
}
