/**
 * The `fetch` octokit calls, made on undici's request() over the build's connection pool instead of undici's
 * fetch. fetch builds the WHATWG objects (Request, Headers, Response, web streams) around every exchange and
 * loads its own modules to do it: a tar.zst build reached its decoder about 13 ms sooner without it, and a
 * first look-up in plain Node took 13 ms against 38-43 (BENCHMARKS.md, issue 13's sixth pass). octokit
 * reads only what ApiAnswer has: the status, the final URL, the headers (iterated, and get()), and the body,
 * as a stream (the client sets parseSuccessResponseBody false) or through text() / arrayBuffer(). */
import { pipeline, type Readable, type Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip } from 'node:zlib';
import type { Dispatcher } from 'undici';
import { ERROR_BODY_CAP, readCapped } from '../download/bounded-read.js';
import { headerValue, type HeaderRecord } from '../download/header-value.js';
import { requestFollowingRedirects } from '../download/redirects.js';

/** What octokit passes to fetch: its headers are a plain object of strings. */
export interface ApiFetchInit {
  readonly method?: string | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly body?: string | undefined;
  readonly signal?: AbortSignal | null | undefined;
}

/** The answer's headers as octokit reads them: iterated as [name, value] pairs, and get() by name. */
export class AnswerHeaders implements Iterable<[string, string]> {
  constructor(private readonly headers: HeaderRecord) {}

  get(name: string): string | null {
    return headerValue(this.headers, name.toLowerCase()) ?? null;
  }

  *[Symbol.iterator](): Iterator<[string, string]> {
    for (const [name, value] of Object.entries(this.headers)) {
      if (value !== undefined) yield [name, Array.isArray(value) ? value.join(', ') : value];
    }
  }
}

/** An answer with the members of a fetch Response that octokit and the client use. */
export class ApiAnswer {
  readonly headers: AnswerHeaders;
  readonly statusText = '';

  constructor(
    readonly url: string,
    readonly status: number,
    headers: HeaderRecord,
    /** The stream of a success; an error answer's first ERROR_BODY_CAP bytes, read already. */
    readonly body: Readable | Buffer,
    /** Past this many bytes, reading a success's stream through text() or arrayBuffer() fails. */
    private readonly maxBytes: number,
  ) {
    this.headers = new AnswerHeaders(headers);
  }

  async text(): Promise<string> {
    return (await this.bytes()).toString('utf8');
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.bytes();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  private bytes(): Promise<Buffer> {
    return Buffer.isBuffer(this.body)
      ? Promise.resolve(this.body)
      : readCapped(this.body, this.maxBytes, 'refuse');
  }
}

/**
 * Asked for, as fetch does: a release of a few hundred assets is hundreds of KB of JSON, a tenth of that
 * compressed. Not deflate, which servers send in two framings. The caps apply to the decoded bytes, so a
 * small answer cannot inflate past them.
 */
const ACCEPT_ENCODING = 'gzip, br';

/**
 * octokit's fetch, following redirects by the one redirect policy (requestFollowingRedirects): the token goes
 * to the configured API origin only, and a redirect elsewhere loses it for good. Answers come compressed and
 * are decoded here. Error answers are cut to ERROR_BODY_CAP before octokit reads them; other answers read
 * as a whole are refused past `maxAnswerBytes`. Network failures are thrown as undici raised them; octokit
 * wraps them.
 */
export function apiFetch(apiOrigin: string, dispatcher: Dispatcher, maxAnswerBytes: number) {
  return async (input: string | URL, init: ApiFetchInit = {}): Promise<ApiAnswer> => {
    // octokit puts its token among the headers; the redirect policy decides which hops get it.
    const { authorization, rest } = takeAuthorization(init.headers ?? {});
    const { url, response } = await requestFollowingRedirects(
      dispatcher,
      new URL(input),
      {
        method: (init.method ?? 'GET') as Dispatcher.HttpMethod,
        headers: { 'accept-encoding': ACCEPT_ENCODING, ...rest },
        body: init.body,
        signal: init.signal ?? undefined,
      },
      authorization === undefined ? undefined : { authorization, origin: apiOrigin },
    );
    const decoded = decode(response.body, headerValue(response.headers, 'content-encoding'));
    const body = response.statusCode < 400 ? decoded : await readCapped(decoded, ERROR_BODY_CAP, 'truncate');
    return new ApiAnswer(url.href, response.statusCode, response.headers, body, maxAnswerBytes);
  };
}

/** The Authorization header's value (named in any case) and the other headers. */
function takeAuthorization(headers: Readonly<Record<string, string>>): {
  authorization: string | undefined;
  rest: Record<string, string>;
} {
  let authorization: string | undefined;
  const rest: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === 'authorization') authorization = value;
    else rest[name] = value;
  }
  return { authorization, rest };
}

/** The body decoded by its Content-Encoding; one this client did not ask for is passed on as it came. */
function decode(body: Readable, encoding: string | undefined): Readable {
  const decoder = decoderFor(encoding?.trim().toLowerCase());
  // pipeline() destroys the decoder with the body's error (a connection that breaks off), so reading it fails.
  return decoder === undefined ? body : pipeline(body, decoder, () => undefined);
}

function decoderFor(encoding: string | undefined): Transform | undefined {
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'br':
      return createBrotliDecompress();
    default:
      return undefined;
  }
}
