/**
 * Scores the picker on the asset lists of real releases gathered by the team (../shared/realworld), against
 * the pick a careful person makes for linux/amd64 and linux/arm64 on glibc and musl images.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type PickResult, pickAsset } from '../../src/pick/pick-asset.js';
import { readAssetLabels } from '../../src/pick/asset-labels.js';
import type { Libc } from '../../src/pick/platform-spellings.js';

const DATASET = path.resolve(import.meta.dirname, '../../../shared/realworld/assets.json');
const PLATFORMS = ['linux/amd64', 'linux/arm64'] as const;

interface RealRelease {
  readonly repo: string;
  readonly tag: string | null;
  readonly assets: readonly string[];
  readonly expect: Readonly<Record<string, string | null>>;
  readonly also_ok?: Readonly<Record<string, readonly string[]>>;
  readonly expect_musl?: Readonly<Record<string, string | null>>;
  readonly also_ok_musl?: Readonly<Record<string, readonly string[]>>;
  readonly unscored?: readonly string[];
}

interface Score {
  readonly cases: number;
  readonly passed: number;
  readonly misses: string[];
  /** Picks of a build for another architecture or libc: never acceptable. */
  readonly wrongPlatform: string[];
}

function score(releases: readonly RealRelease[], libc: Libc): Score {
  const result: Score = { cases: 0, passed: 0, misses: [], wrongPlatform: [] };
  for (const release of releases) {
    const expected = libc === 'gnu' ? release.expect : release.expect_musl;
    const alsoOk = (libc === 'gnu' ? release.also_ok : release.also_ok_musl) ?? {};
    if (expected === undefined) continue;
    for (const platform of PLATFORMS) {
      if (!(platform in expected) || release.unscored?.includes(platform)) continue;
      const want = expected[platform] ?? null;
      const arch = platform.slice('linux/'.length);
      const picked = pickAsset({
        assets: release.assets,
        repo: release.repo,
        platform: { os: 'linux', arch, libc },
        ...(release.tag === null ? {} : { version: release.tag }),
      });
      const got = picked.outcome === 'picked' ? picked.asset : null;
      const good = [want, ...(alsoOk[platform] ?? [])];
      (result as { cases: number }).cases += 1;
      if (good.includes(got)) {
        (result as { passed: number }).passed += 1;
        continue;
      }
      result.misses.push(
        `${release.repo} ${platform} ${libc}: want ${want ?? 'refusal'}, got ${describeOutcome(picked)}`,
      );
      if (got !== null && isWrongPlatform(got, arch, libc, release)) {
        result.wrongPlatform.push(`${release.repo} ${platform} ${libc}: ${got}`);
      }
    }
  }
  return result;
}

function describeOutcome(picked: PickResult): string {
  return picked.outcome === 'picked' ? picked.asset : `refusal: ${picked.message}`;
}

/** A pick whose own name says another architecture or (on musl) glibc, or that no one listed for this arch. */
function isWrongPlatform(got: string, arch: string, libc: Libc, release: RealRelease): boolean {
  const labels = readAssetLabels(got, release.tag ?? undefined);
  if (labels.arch !== undefined && labels.arch !== arch) return true;
  if (libc === 'musl' && labels.libc === 'gnu') return true;
  const otherArch = arch === 'amd64' ? 'linux/arm64' : 'linux/amd64';
  const forOther = [release.expect[otherArch], ...(release.also_ok?.[otherArch] ?? [])];
  return forOther.includes(got);
}

const releases: RealRelease[] | undefined = existsSync(DATASET)
  ? (JSON.parse(readFileSync(DATASET, 'utf8')) as RealRelease[])
  : undefined;
if (releases === undefined) {
  console.log(
    `SKIPPED: the real-release dataset is not at ${DATASET}; the picker's real-world score is not measured.`,
  );
}

describe.skipIf(releases === undefined)('picking on real releases', () => {
  for (const [libc, goal, total] of [
    ['gnu', 173, 175],
    ['musl', 45, 47],
  ] as const) {
    it(`meets the goal on ${libc === 'gnu' ? 'glibc' : 'musl'} images (${goal}/${total}) with no wrong-platform pick`, () => {
      const result = score(releases ?? [], libc);
      console.log(
        [
          `picker score on ${libc === 'gnu' ? 'glibc' : 'musl'}: ${result.passed}/${result.cases}`,
          ...result.misses.map((miss) => `  miss: ${miss}`),
        ].join('\n'),
      );
      expect(result.cases).toBe(total);
      expect(result.wrongPlatform).toEqual([]);
      expect(result.passed).toBeGreaterThanOrEqual(goal);
    });
  }
});
