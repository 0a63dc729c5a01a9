import { BuildpackError } from '../errors.js';
import type { Token } from './token.js';

/** GitHub answered 401: the token is expired, revoked or mistyped. */
export class TokenRejectedError extends BuildpackError {
  override name = 'TokenRejectedError';
  readonly tokenSource: string;
  readonly status: number;

  constructor(token: Token, what: string, status: number, reason: string, options?: { cause?: unknown }) {
    super(
      `The token from ${token.source} was rejected (${status} ${reason}) while ${what}: it is expired, revoked or mistyped. Renew it, or unset ${token.source} if the repository is public.`,
      options,
    );
    this.tokenSource = token.source;
    this.status = status;
  }
}
