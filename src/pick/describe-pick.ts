/**
 * The log lines a pick is explained by: one INFO line per entry (what was chosen, why it fits, why it beat
 * the runner-up) and, at DEBUG, every candidate with its standing or the reason it was dropped.
 */
import type { AssetPick, PickResult } from './pick-asset.js';

/** `Picked jq-linux-arm64 (linux, arm64, libc not named) over jq-linux-arm64-pgo: it is a variant build…`. */
export function describePick(pick: AssetPick): string {
  const over =
    pick.runnerUp === undefined
      ? '; the only build that fits'
      : ` over ${pick.runnerUp.asset}: ${pick.runnerUp.lostBecause}`;
  return `Picked ${pick.asset} (${pick.fits})${over}`;
}

/** One line per asset of the release: the fitting ones in rank order, then the dropped ones with reasons. */
export function describeCandidates(result: PickResult): string[] {
  const ranked =
    result.outcome === 'picked'
      ? result.ranked.map((candidate, index) =>
          index === 0
            ? `chosen: ${candidate.asset}`
            : `fits, ranked ${index + 1}: ${candidate.asset} (${candidate.lostBecause})`,
        )
      : [];
  return [
    ...ranked,
    ...result.rejected.map((rejection) => `dropped: ${rejection.asset} (${rejection.reason})`),
  ];
}
