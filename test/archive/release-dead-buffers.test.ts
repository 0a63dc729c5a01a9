/**
 * The counter the zip reader feeds with each inflated chunk: a minor collection every 2 MiB where V8
 * exposes `gc` (the executable starts with --expose-gc), nothing where it does not (plain Node, here).
 * V8's own collection is out of reach of a test; `gc` is replaced by a recorder.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { deadBufferReleaser } from '../../src/archive/release-dead-buffers.js';

const MiB = 1024 * 1024;
const scope = globalThis as { gc?: unknown };
const original = scope.gc;
afterEach(() => {
  scope.gc = original;
});

describe('deadBufferReleaser', () => {
  it('asks for a minor collection each time 2 MiB have passed', () => {
    const calls: unknown[] = [];
    scope.gc = (options: unknown) => calls.push(options);
    const released = deadBufferReleaser();
    for (let i = 0; i < 20; i++) released(256 * 1024);
    expect(calls).toEqual([{ type: 'minor' }, { type: 'minor' }]);
    released(3 * MiB);
    expect(calls).toHaveLength(3);
  });

  it('does nothing where gc is not exposed', () => {
    delete scope.gc;
    const released = deadBufferReleaser();
    expect(() => released(10 * MiB)).not.toThrow();
  });
});
