import type { AssetEntry } from './asset-entry.js';
import { looksLikeArchive } from './archive-name.js';
import { entryLabel, type ConfigProblems } from './config-problems.js';

/** Where an entry writes inside its layer: a single file, or a directory an archive unpacks into. */
interface Footprint {
  readonly entry: AssetEntry;
  readonly path: string;
  readonly isFile: boolean;
}

/**
 * Reports pairs of entries that would overwrite each other: both in the same layer (one per repo) and
 * writing the same file, or a file where the other needs a directory. Archives unpacking into the same
 * directory are fine, because their members usually differ; entries that are identical in every field are
 * not, because they do the same work twice.
 */
export function reportConflictingEntries(entries: readonly AssetEntry[], problems: ConfigProblems): void {
  const footprints = entries.map(footprintOf);
  for (const [position, first] of footprints.entries()) {
    for (const second of footprints.slice(position + 1)) {
      if (first.entry.repo !== second.entry.repo) continue;
      const both = `${describeEntry(first.entry)} and ${describeEntry(second.entry)}`;
      if (sameSettings(first.entry, second.entry)) {
        problems.fileError(`${both} are identical. Remove one of them.`);
        continue;
      }
      const clash = describeClash(first, second) ?? describeClash(second, first);
      if (clash !== undefined) {
        problems.fileError(
          `${both} both write ${clash} in the layer of ${first.entry.repo}, so one would overwrite the other. ` +
            'Give one of them a different destination, or remove one.',
        );
      }
    }
  }
}

function footprintOf(entry: AssetEntry): Footprint {
  if (looksLikeArchive(entry.asset)) return { entry, path: entry.destination ?? '', isFile: false };
  // A plain file with no destination lands in bin/ under its own name (templates are compared as written).
  return { entry, path: entry.destination ?? `bin/${entry.asset}`, isFile: true };
}

/** How `file` (if it is a single file) collides with `other`, for the message; undefined when it does not. */
function describeClash(file: Footprint, other: Footprint): string | undefined {
  if (!file.isFile) return undefined;
  if (other.path === file.path) return `destination ${file.path}`;
  if (other.path.startsWith(`${file.path}/`)) {
    return `under ${file.path} (a file for one, a directory for the other)`;
  }
  return undefined;
}

function describeEntry(entry: AssetEntry): string {
  return entryLabel(entry.index, entry.repo);
}

function sameSettings(first: AssetEntry, second: AssetEntry): boolean {
  // Entries are built field by field in one order, so their JSON matches exactly when their settings do.
  return JSON.stringify({ ...first, index: 0 }) === JSON.stringify({ ...second, index: 0 });
}
