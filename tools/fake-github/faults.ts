/** Scriptable faults: each matches requests by path (and origin, method) and fires a number of times. */

export type FaultOrigin = 'api' | 'storage';

export type FaultKind =
  /** Answer with this status (and headers/body) instead of the real answer. */
  | {
      readonly type: 'status';
      readonly status: number;
      readonly headers?: Readonly<Record<string, string>>;
      readonly body?: string;
    }
  /** Primary rate limit: 403 (or 429) with x-ratelimit-remaining: 0 and a reset `resetInSeconds` from now. */
  | { readonly type: 'rate-limit'; readonly resetInSeconds: number; readonly status?: 403 | 429 }
  /** Secondary rate limit: 403 (or 429) with retry-after. */
  | { readonly type: 'secondary-rate-limit'; readonly retryAfterSeconds: number; readonly status?: 403 | 429 }
  /** Send the headers and `afterBytes` of the body (default: half), then destroy the socket. */
  | { readonly type: 'reset-mid-body'; readonly afterBytes?: number }
  /** Announce the full Content-Length, send only `afterBytes` (default: half), then end and close. */
  | { readonly type: 'truncate'; readonly afterBytes?: number }
  /** Flip the bits of `count` bytes (default 1) starting at `offset` (default: the middle). */
  | { readonly type: 'corrupt'; readonly offset?: number; readonly count?: number }
  /** Stall before the headers, or after the headers and `afterBytes` of the body (default 0), for `ms`. */
  | {
      readonly type: 'delay';
      readonly ms: number;
      readonly phase?: 'headers' | 'body';
      readonly afterBytes?: number;
    };

export interface FaultSpec {
  /** Matched against the request path (without query); a string matches as a substring. */
  readonly match: RegExp | string;
  /** Which origin it applies to; both when omitted. */
  readonly origin?: FaultOrigin;
  readonly method?: string;
  /** How many matching requests it affects; default 1, Infinity for all. */
  readonly times?: number;
  readonly kind: FaultKind;
}

export interface Faults {
  add(fault: FaultSpec): void;
  clear(): void;
  /** Faults that have not fired as often as they were told to. */
  pending(): readonly FaultSpec[];
}

interface ArmedFault {
  readonly spec: FaultSpec;
  remaining: number;
}

/** The fault registry of one server; `take` consumes one use of the first fault that matches. */
export class FaultRegistry implements Faults {
  readonly #faults: ArmedFault[] = [];

  add(fault: FaultSpec): void {
    this.#faults.push({ spec: fault, remaining: fault.times ?? 1 });
  }

  clear(): void {
    this.#faults.length = 0;
  }

  pending(): readonly FaultSpec[] {
    return this.#faults.filter((fault) => fault.remaining > 0).map((fault) => fault.spec);
  }

  take(origin: FaultOrigin, method: string, path: string): FaultKind | undefined {
    const armed = this.#faults.find(
      ({ spec, remaining }) =>
        remaining > 0 &&
        (spec.origin === undefined || spec.origin === origin) &&
        (spec.method === undefined || spec.method.toUpperCase() === method) &&
        (typeof spec.match === 'string' ? path.includes(spec.match) : spec.match.test(path)),
    );
    if (armed === undefined) return undefined;
    armed.remaining -= 1;
    return armed.spec.kind;
  }
}
