/**
 * The name a tool's executable gets when the user did not say: the asset name without its version, OS,
 * architecture, libc and extension parts (`jq-linux64` → `jq`, `fd-v10.3.0-aarch64-unknown-linux-gnu.tar.gz`
 * → `fd`). An asset named only by its platform (`x86_64-unknown-linux-gnu.zip`) is named after the repo.
 */
import { readAssetLabels } from './asset-labels.js';

/** The tool's name from the chosen asset, falling back to the repo's name (`owner/name` or `name`). */
export function toolNameOf(assetName: string, repo: string, version?: string): string {
  return readAssetLabels(assetName, version).toolName ?? repoName(repo);
}

/** The name part of `owner/name`. */
export function repoName(repo: string): string {
  return repo.slice(repo.lastIndexOf('/') + 1);
}

/** A name compared loosely: case and the choice among `-`, `_` and `.` do not matter. */
export function looseName(name: string): string {
  return name.toLowerCase().replace(/[-_.\s]+/g, '-');
}
