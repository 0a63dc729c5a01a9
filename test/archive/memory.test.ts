import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { unpackAsset } from '../../src/archive/unpack-asset.js';
import { makeWorkspace, optionsFor } from './helpers/unpack-helpers.js';

const SIZE_MB = 256;
/** Far below the asset's size: what one decoded bzip2 block, buffers in flight and the GC's slack need. */
const MAX_GROWTH_MB = 160;

/** A body streamed by real tools as it is produced: a tar of one big file of zeros, compressed. */
function streamedTar(compressor: string): NodeJS.ReadableStream {
  const script =
    `mkdir -p "$0" && truncate -s ${SIZE_MB}M "$0/zeros" && ` +
    `tar -C "$0" -cf - zeros | ${compressor}; rm -rf "$0"`;
  const child = spawn(
    'sh',
    ['-c', script, `/tmp/archive-memory-${process.pid}-${compressor.split(' ')[0]}`],
    {
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  return child.stdout;
}

/** Unpacks `body` as `zeros.<format>`, sampling RSS, and checks memory stayed far below the asset's size. */
async function expectBoundedUnpack(
  body: NodeJS.ReadableStream,
  format: string,
  workspace: Awaited<ReturnType<typeof makeWorkspace>>,
): Promise<void> {
  globalThis.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  try {
    const result = await unpackAsset(body, optionsFor(workspace, `zeros.${format}`));
    expect(result.format).toBe(format);
    expect(result.bytes).toBe(SIZE_MB * 1024 * 1024);
  } finally {
    clearInterval(sampler);
  }
  const growthMb = (peak - baseline) / 1024 / 1024;
  expect(growthMb).toBeLessThan(MAX_GROWTH_MB);
}

describe('memory does not grow with the asset size', () => {
  it.each([
    ['tar.gz', 'gzip -1'],
    ['tar.xz', 'xz -0 -T1'],
    ['tar.bz2', 'bzip2 -1'],
    ['tar.zst', 'zstd -q -1'],
  ])(
    `unpacks a ${SIZE_MB} MB %s holding only a bounded amount`,
    { timeout: 120_000 },
    async (format, compressor) => {
      await expectBoundedUnpack(streamedTar(compressor), format, await makeWorkspace());
    },
  );
});

describe('memory does not grow with the asset size with the bundled decoders (no xz or bzip2 in the image)', () => {
  it.each([
    ['tar.xz', 'xz -0 -T1'],
    ['tar.bz2', 'bzip2 -1'],
  ])(
    `unpacks a ${SIZE_MB} MB %s holding only a bounded amount`,
    { timeout: 300_000 },
    async (format, compressor) => {
      const workspace = await makeWorkspace();
      // The compressor is started first, with the real PATH; the buildpack then finds no decoder.
      const body = streamedTar(compressor);
      const saved = process.env['PATH'];
      process.env['PATH'] = workspace.dir;
      try {
        await expectBoundedUnpack(body, format, workspace);
      } finally {
        process.env['PATH'] = saved;
      }
    },
  );
});
