import { createReadStream } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import type { FaultKind } from './faults.js';

/** What a route answers, before faults are applied; bodies from files are streamed. */
export interface Reply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Buffer | { readonly file: string; readonly size: number };
}

export function jsonReply(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: Buffer.from(JSON.stringify(value)),
  };
}

/**
 * GitHub's API sends its JSON gzipped to a client that asks (Accept-Encoding: gzip), as the real one does;
 * asset downloads come as they are. Faults then act on the compressed bytes, as on a real network.
 */
export function compressedIfAsked(reply: Reply, acceptEncoding: string | undefined): Reply {
  const json = reply.headers['content-type']?.startsWith('application/json') === true;
  if (!json || !Buffer.isBuffer(reply.body) || !/\bgzip\b/.test(acceptEncoding ?? '')) return reply;
  return {
    ...reply,
    headers: { ...reply.headers, 'content-encoding': 'gzip', vary: 'Accept-Encoding' },
    body: gzipSync(reply.body),
  };
}

export function notFound(): Reply {
  return jsonReply(404, {
    message: 'Not Found',
    documentation_url: 'https://docs.github.com/rest',
    status: '404',
  });
}

/**
 * Writes a reply, streaming the body with backpressure and applying a body-level fault (reset, truncation,
 * corruption, stall). Stalls end early when `signal` aborts (the server is closing).
 */
export async function sendReply(
  res: ServerResponse,
  reply: Reply,
  fault: FaultKind | undefined,
  signal: AbortSignal,
  head: boolean,
): Promise<void> {
  const size =
    reply.body === undefined ? 0 : Buffer.isBuffer(reply.body) ? reply.body.length : reply.body.size;
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.status !== 304 && reply.status !== 204) headers['content-length'] = String(size);
  if (fault?.type === 'truncate') headers['connection'] = 'close';

  if (fault?.type === 'delay' && fault.phase !== 'body') {
    if (!(await pause(fault.ms, signal))) return;
  }
  res.writeHead(reply.status, headers);
  if (reply.body === undefined || head || size === 0) {
    res.end();
    return;
  }

  // Byte position where the fault acts.
  const cut =
    fault?.type === 'reset-mid-body' || fault?.type === 'truncate'
      ? Math.min(fault.afterBytes ?? Math.floor(size / 2), size)
      : undefined;
  const stallAt = fault?.type === 'delay' && fault.phase === 'body' ? (fault.afterBytes ?? 0) : undefined;
  const corruptFrom = fault?.type === 'corrupt' ? (fault.offset ?? Math.floor(size / 2)) : undefined;
  const corruptTo =
    corruptFrom === undefined
      ? undefined
      : corruptFrom + (fault?.type === 'corrupt' ? (fault.count ?? 1) : 0);

  if (stallAt === 0 && fault?.type === 'delay') {
    res.flushHeaders();
    if (!(await pause(fault.ms, signal))) return;
  }

  let sent = 0;
  for await (const data of chunks(reply.body)) {
    let chunk = data;
    if (
      corruptFrom !== undefined &&
      corruptTo !== undefined &&
      sent + chunk.length > corruptFrom &&
      sent < corruptTo
    ) {
      chunk = Buffer.from(chunk);
      for (let i = Math.max(corruptFrom - sent, 0); i < Math.min(corruptTo - sent, chunk.length); i++) {
        chunk[i] = (chunk[i] ?? 0) ^ 0xff;
      }
    }
    if (cut !== undefined && sent + chunk.length >= cut) {
      const part = chunk.subarray(0, cut - sent);
      if (fault?.type === 'reset-mid-body') {
        await new Promise<void>((resolve) => res.write(part, () => resolve()));
        res.socket?.destroy();
      } else {
        res.end(part);
      }
      return;
    }
    if (
      stallAt !== undefined &&
      stallAt > 0 &&
      sent < stallAt &&
      sent + chunk.length >= stallAt &&
      fault?.type === 'delay'
    ) {
      if (!(await write(res, chunk.subarray(0, stallAt - sent)))) return;
      if (!(await pause(fault.ms, signal))) return;
      chunk = chunk.subarray(stallAt - sent);
      sent = stallAt;
    }
    if (!(await write(res, chunk))) return;
    sent += chunk.length;
  }
  res.end();
}

async function* chunks(body: NonNullable<Reply['body']>): AsyncGenerator<Buffer> {
  if (Buffer.isBuffer(body)) {
    yield body;
    return;
  }
  for await (const chunk of createReadStream(body.file)) yield chunk as Buffer;
}

/** Writes with backpressure; false when the client went away. */
function write(res: ServerResponse, chunk: Buffer): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  if (res.write(chunk)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean): void => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = (): void => done(true);
    const onClose = (): void => done(false);
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}

/** Sleeps; false when the server closed meanwhile. */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
