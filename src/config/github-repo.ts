/** A repository reference split into its parts. */
export interface GithubRepo {
  readonly owner: string;
  readonly name: string;
}

// GitHub user and organisation names: letters, digits and hyphens, at most 39, not starting with a hyphen.
// Old accounts may end in a hyphen or hold two in a row, so those are allowed.
const OWNER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9-]{0,38}$/;
// Repository names: letters, digits, '.', '-' and '_', at most 100; GitHub refuses '.' and '..'.
const NAME_PATTERN = /^[A-Za-z0-9._-]{1,100}$/;

/** Splits `owner/name`, or returns undefined when the text is not exactly that. */
export function parseGithubRepo(text: string): GithubRepo | undefined {
  const parts = text.split('/');
  if (parts.length !== 2) return undefined;
  const [owner = '', name = ''] = parts;
  if (!OWNER_PATTERN.test(owner) || !NAME_PATTERN.test(name) || name === '.' || name === '..') {
    return undefined;
  }
  return { owner, name };
}

/**
 * The `owner/name` a user most likely meant when they pasted a URL or clone address
 * (`https://github.com/stedolan/jq.git` → `stedolan/jq`), or undefined when there is no clear guess.
 */
export function guessGithubRepo(text: string): string | undefined {
  const stripped = text
    .trim()
    .replace(/^(?:https?:\/\/|git@|ssh:\/\/git@)?(?:www\.)?github\.com[:/]/i, '')
    .replace(/\.git$/i, '')
    .replace(/\/+$/, '');
  const [owner, name] = stripped.split('/');
  if (owner === undefined || name === undefined) return undefined;
  const guess = `${owner}/${name}`;
  return guess !== text && parseGithubRepo(guess) !== undefined ? guess : undefined;
}
