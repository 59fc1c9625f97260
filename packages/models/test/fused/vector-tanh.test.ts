import { describe, expect, it } from 'vitest';
import { VectorTanh } from '../../src/fused/vector-tanh.js';
import { tf } from '../../src/tfjs.js';
import { useBackend } from '../helpers.js';

const VALUES = [0, 1e-6, -1e-3, 0.5, -0.75, 1, 2.5, -3, 7.9, -8.1, 12, -40, 88, -1e4];

describe('VectorTanh', () => {
  it.each(['wasm', 'cpu'] as const)(
    'matches Math.tanh within 3e-7 on %s, leaving nothing behind',
    async (backend) => {
      await useBackend(backend);
      const before = tf.memory().numTensors;
      const vt = new VectorTanh(32);
      // Two rounds through the same buffers, the second shorter: stale values past `length` are ignored.
      for (const values of [VALUES, VALUES.slice(0, 5).map((v) => -v)]) {
        vt.input().set(values);
        const out = vt.run(values.length);
        for (const [i, x] of values.entries()) {
          expect(Math.abs((out[i] as number) - Math.tanh(x))).toBeLessThan(3e-7);
        }
      }
      vt.dispose();
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  it('keeps its result when a later tf call grows the wasm heap', async () => {
    await useBackend('wasm');
    const vt = new VectorTanh(4);
    vt.input().set([0.1, 0.2, 0.3, 0.4]);
    const out = vt.run(4);
    const big = tf.zeros([64 * 1024 * 1024]);
    expect(out[3]).toBeCloseTo(Math.tanh(0.4), 6);
    big.dispose();
    vt.dispose();
  });
});
