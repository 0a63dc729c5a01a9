import { BuildpackError } from '../errors.js';
import type { Token } from './token.js';

/** The repository does not exist, or the request (with or without a token) cannot see it. */
export class RepoNotFoundError extends BuildpackError {
  override name = 'RepoNotFoundError';
  readonly owner: string;
  readonly repo: string;
  readonly tokenSource: string | undefined;

  constructor(owner: string, repo: string, token: Token | undefined, options?: { cause?: unknown }) {
    super(
      token === undefined
        ? `Repository ${owner}/${repo} was not found, or it is private: check the name, and for a private repository set token_env = "..." in its entry (or GITHUB_TOKEN) to a token that can read it (fine-grained: Contents: read; classic: repo scope).`
        : `Repository ${owner}/${repo} was not found, or the token from ${token.source} cannot see it: check the name, and give that token access to ${owner}/${repo} (fine-grained: Contents: read; classic: repo scope; for an organisation, SSO authorisation too).`,
      options,
    );
    this.owner = owner;
    this.repo = repo;
    this.tokenSource = token?.source;
  }
}
