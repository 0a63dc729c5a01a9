import xzDecompressPackage from 'xz-decompress';

// A webpack UMD bundle: Node's ESM loader cannot see its named exports, only the default one.
const { XzReadableStream } = xzDecompressPackage;

/**
 * Decompresses an xz stream with xz-decompress (xz-embedded compiled to WebAssembly; no native code).
 *
 * The library allows one live decoder per process (a module-wide lock) and misbehaves when a finished or
 * failed stream is cancelled (it releases the lock twice), so this wrapper cancels only a decoder that is
 * still running, and always lets it finish or cancel, or later xz assets would wait forever. After the xz
 * stream ends the rest of the input is read and dropped (stream padding), so the caller's hash sees every byte.
 */
export async function* xzDecompress(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const input = source[Symbol.asyncIterator]();
  let inputDone = false;
  const compressed = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await input.next();
        if (next.done === true) {
          inputDone = true;
          controller.close();
        } else {
          controller.enqueue(next.value);
        }
      },
      async cancel() {
        if (!inputDone) await input.return?.();
      },
    },
    // No read-ahead: the decoder asks for input only when it needs it.
    { highWaterMark: 0 },
  );
  const reader = new XzReadableStream(compressed).getReader();
  let decoderSettled = false;
  try {
    for (;;) {
      const { done, value } = await reader.read().catch((error: unknown) => {
        decoderSettled = true;
        throw error;
      });
      if (done) {
        decoderSettled = true;
        break;
      }
      if (value.byteLength > 0) yield Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    }
    while (!inputDone) {
      const next = await input.next();
      if (next.done === true) inputDone = true;
    }
  } finally {
    if (!decoderSettled) await reader.cancel().catch(() => undefined);
    else if (!inputDone) await input.return?.();
    reader.releaseLock();
  }
}
