import type { EventEmitter } from 'node:events';
import type { FailureSignal } from './failure-signal.js';

/** A stream read by flowingChunks: a Node.js Readable, or a minipass stream (node-tar's entries). */
export type FlowingSource = Pick<EventEmitter, 'on' | 'off'> & { pause(): unknown; resume(): unknown };

export interface FlowingOptions {
  /**
   * Bytes held for a busy consumer before the source is paused (and its producer with it); 0 pauses it as
   * soon as one chunk waits, as a stream's own iterator does.
   */
  readonly readAheadBytes: number;
  /** Stops the iteration with this failure if it comes while the consumer waits for more. */
  readonly failure?: FailureSignal;
  /**
   * Chunks shorter than this are joined with the ones after them until there are this many bytes (the last
   * one may be shorter), so a producer that writes small pieces does not cost a trip down the consumer's
   * pipeline for each. Chunks of this size or more pass as they are.
   */
  readonly joinBelowBytes?: number;
}

/**
 * The chunks of `source` as they come, read in flowing mode with one set of listeners for the whole stream.
 * A stream's own async iterator waits for each chunk on its own: Node's Readable in paused mode (a 'readable'
 * event, read() and a nextTick per chunk), minipass with four listeners added and removed and a promise per
 * chunk. Along the way of an archive (the download, the decoder's output, each member's data) that was about
 * a tenth of the main thread's time in a tar.zst install; reading 138 MB of tar.zst from a file into a layer
 * went from 333-372 ms to 284-335 ms. Up to `readAheadBytes` are held while the consumer is busy, so
 * producing goes on meanwhile; past that the source is paused, which is the backpressure.
 *
 * Fails with the source's error, or with a premature close when the source closes before its end, also when
 * that happened before the call. When the consumer stops early the listeners go and the source is left as it
 * is: the caller destroys it, or resumes it to let its data drain.
 */
export async function* flowingChunks(source: FlowingSource, options: FlowingOptions): AsyncGenerator<Buffer> {
  const joinBelow = options.joinBelowBytes ?? 0;
  // Never paused while a chunk still waits to be joined with more, which would wait forever.
  const holdBytes = Math.max(options.readAheadBytes, joinBelow);
  const queue: Buffer[] = [];
  let queuedBytes = 0;
  let paused = false;
  let ended = false;
  let stop: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const waiting = wake;
    wake = undefined;
    waiting?.();
  };
  const onData = (chunk: Buffer): void => {
    queue.push(chunk);
    queuedBytes += chunk.length;
    if (queuedBytes > holdBytes && !paused) {
      paused = true;
      source.pause();
    }
    notify();
  };
  const onEnd = (): void => {
    ended = true;
    notify();
  };
  const onError = (error: unknown): void => {
    stop ??= { error };
    notify();
  };
  const onClose = (): void => {
    if (!ended) onError(prematureClose());
  };
  // A Node.js stream says nothing more once it ended or was destroyed, and it may have been by now (a socket
  // reset while the caller was setting up): its state tells. minipass repeats 'end' and 'error' to late
  // listeners itself.
  const state = source as {
    readonly readableEnded?: boolean;
    readonly errored?: unknown;
    readonly destroyed?: boolean;
  };
  if (state.readableEnded === true) return;
  if (state.errored !== undefined && state.errored !== null) throw state.errored;
  if (state.destroyed === true) throw prematureClose();
  // The next chunk to hand on, or undefined to wait for more.
  const takeChunk = (): Buffer | undefined => {
    const first = queue[0];
    if (first === undefined || first.length >= joinBelow) return queue.shift();
    if (queuedBytes < joinBelow && !ended) return undefined;
    let parts = 0;
    for (let bytes = 0; parts < queue.length && bytes < joinBelow; parts++)
      bytes += queue[parts]?.length ?? 0;
    return Buffer.concat(queue.splice(0, parts));
  };
  const unsubscribe = options.failure?.onFailure(onError);
  source.on('end', onEnd);
  source.on('error', onError);
  source.on('close', onClose);
  // Adding the data listener starts the flow.
  source.on('data', onData);
  try {
    for (;;) {
      if (stop !== undefined) throw stop.error;
      const chunk = takeChunk();
      if (chunk !== undefined) {
        queuedBytes -= chunk.length;
        if (paused && queuedBytes <= holdBytes) {
          paused = false;
          source.resume();
        }
        yield chunk;
      } else if (ended) {
        return;
      } else {
        await new Promise<void>((resolve) => (wake = resolve));
      }
    }
  } finally {
    unsubscribe?.();
    source.off('data', onData);
    source.off('end', onEnd);
    source.off('error', onError);
    source.off('close', onClose);
  }
}

/** What Node's own stream helpers report for a stream closed before its end without an error. */
function prematureClose(): Error {
  return Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}
