import { entryLabel, type AssetEntry } from './asset-entry.js';
import { looksLikeArchive } from './archive-name.js';
import type { ConfigProblems } from './config-problems.js';

/** Where an entry writes inside its layer: a single file, or a directory an archive unpacks into. */
interface Footprint {
  readonly entry: AssetEntry;
  /** Position in the configuration, to report pairs in configuration order. */
  readonly position: number;
  readonly path: string;
  readonly isFile: boolean;
  /** The entry's settings apart from its position: equal keys mean identical entries. */
  readonly settings: string;
}

/** What the entries of one repo (one layer) seen so far write, indexed so each new entry is checked at once. */
interface LayerIndex {
  readonly bySettings: Map<string, Footprint[]>;
  readonly byPath: Map<string, Footprint[]>;
  readonly filesByPath: Map<string, Footprint[]>;
  /** Footprints by every directory their path lies under (`a/b/c` is under `a` and `a/b`). */
  readonly byParent: Map<string, Footprint[]>;
}

/**
 * Reports pairs of entries that would overwrite each other: both in the same layer (one per repo) and
 * writing the same file, or a file where the other needs a directory. Archives unpacking into the same
 * directory are fine, because their members usually differ; entries that are identical in every field are
 * not, because they do the same work twice. Each entry is looked up in indexes of the entries before it,
 * so the check takes time in proportion to the entries and the clashes found, not to every pair.
 */
export function reportConflictingEntries(entries: readonly AssetEntry[], problems: ConfigProblems): void {
  const layers = new Map<string, LayerIndex>();
  const pairs: [Footprint, Footprint][] = [];
  entries.forEach((entry, position) => {
    const second = footprintOf(entry, position);
    let index = layers.get(entry.repo);
    if (index === undefined) {
      index = { bySettings: new Map(), byPath: new Map(), filesByPath: new Map(), byParent: new Map() };
      layers.set(entry.repo, index);
    }
    const parents = parentsOf(second.path);
    const candidates = new Set<Footprint>([
      ...(index.bySettings.get(second.settings) ?? []),
      ...(second.isFile ? (index.byPath.get(second.path) ?? []) : (index.filesByPath.get(second.path) ?? [])),
      ...parents.flatMap((parent) => index.filesByPath.get(parent) ?? []),
      ...(second.isFile ? (index.byParent.get(second.path) ?? []) : []),
    ]);
    for (const first of candidates) pairs.push([first, second]);
    add(index.bySettings, second.settings, second);
    add(index.byPath, second.path, second);
    if (second.isFile) add(index.filesByPath, second.path, second);
    for (const parent of parents) add(index.byParent, parent, second);
  });
  pairs.sort(([a, b], [c, d]) => a.position - c.position || b.position - d.position);
  for (const [first, second] of pairs) {
    const both = `${describeEntry(first.entry)} and ${describeEntry(second.entry)}`;
    if (first.settings === second.settings) {
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

function add(map: Map<string, Footprint[]>, key: string, footprint: Footprint): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [footprint]);
  else list.push(footprint);
}

/** `a/b/c` → `a`, `a/b`. */
function parentsOf(filePath: string): string[] {
  const parts = filePath.split('/');
  return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join('/'));
}

function footprintOf(entry: AssetEntry, position: number): Footprint {
  // Entries are built field by field in one order, so their JSON matches exactly when their settings do.
  const settings = JSON.stringify({ ...entry, index: 0 });
  // A picked asset may be an archive or a file, which only the release tells: compared as a directory.
  if (entry.asset === undefined || looksLikeArchive(entry.asset)) {
    return { entry, position, path: entry.destination ?? '', isFile: false, settings };
  }
  // A plain file with no destination lands in bin/ under its own name (templates are compared as written).
  return { entry, position, path: entry.destination ?? `bin/${entry.asset}`, isFile: true, settings };
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
