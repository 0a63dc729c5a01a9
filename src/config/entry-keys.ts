import { closest, distance } from 'fastest-levenshtein';

/** Every key a `[[metadata.githubassets]]` entry may hold. */
export const KNOWN_ENTRY_KEYS = [
  'repo',
  'asset',
  'tag',
  'token_env',
  'destination',
  'strip_components',
  'sha256',
  'checksums',
  'include',
  'launch',
  'build',
  'arch_check',
  'provenance',
  'signer_workflow',
] as const;

export type EntryKey = (typeof KNOWN_ENTRY_KEYS)[number];

// Keys of github-assets-cnb 1.x (`[[metadata.githubasset]]`) and other common names people carry over: edit distance
// would not find their successors.
const RENAMED_KEYS: Readonly<Record<string, { key: EntryKey; note: string }>> = {
  file: { key: 'asset', note: '' },
  repository: { key: 'repo', note: ' (as "owner/name")' },
  target: { key: 'destination', note: ' (as a path inside the layer, e.g. "bin/jq")' },
  untarpath: { key: 'destination', note: '' },
  version: { key: 'tag', note: '' },
  token: {
    key: 'token_env',
    note: ', which names a variable holding the token; never write a token into project.toml, and revoke one that was',
  },
};

/** Whether `key` is one this buildpack reads. */
export function isKnownEntryKey(key: string): key is EntryKey {
  return (KNOWN_ENTRY_KEYS as readonly string[]).includes(key);
}

/**
 * The sentence that tells the user what an unknown key probably should be: `Did you mean strip_components?`,
 * or a plain list of the known keys when nothing is close enough to be a typo.
 */
export function suggestKnownKey(unknownKey: string): string {
  const renamed = Object.hasOwn(RENAMED_KEYS, unknownKey.toLowerCase())
    ? RENAMED_KEYS[unknownKey.toLowerCase()]
    : undefined;
  if (renamed !== undefined) return `Did you mean ${renamed.key}${renamed.note}?`;
  // Compare in the spelling the keys use, so `Strip-Components` is one edit from nothing.
  const spelled = unknownKey.toLowerCase().replaceAll('-', '_');
  const nearest = closest(spelled, [...KNOWN_ENTRY_KEYS]);
  // Beyond a third of the word, a "suggestion" is a guess that only confuses.
  const tolerance = Math.max(2, Math.floor(nearest.length / 3));
  if (distance(spelled, nearest) <= tolerance) return `Did you mean ${nearest}?`;
  return `The known keys are ${KNOWN_ENTRY_KEYS.join(', ')}.`;
}
