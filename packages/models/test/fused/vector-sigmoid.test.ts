import { describe, expect, it } from 'vitest';
import { VectorSigmoid } from '../../src/fused/vector-sigmoid.js';
import { tf } from '../../src/tfjs.js';
import { useBackend } from '../helpers.js';

const VALUES = [0, 1e-6, -1e-3, 0.5, -0.75, 1, 2.5, -3, 7.9, -8.1, 12, -40, 88, -1e4];
const logistic = (x: number) => 1 / (1 + Math.exp(-x));

describe('VectorSigmoid', () => {
  it.each(['wasm', 'cpu'] as const)(
    'gives σ within 1.5e-7 and tanh as 2·σ(2x) − 1 within 3e-7 on %s, leaving nothing behind',
    async (backend) => {
      await useBackend(backend);
      const before = tf.memory().numTensors;
      const sigma = new VectorSigmoid(32);
      // Rounds through the same buffers, later ones shorter: stale values past `length` are ignored.
      for (const values of [VALUES, VALUES.slice(0, 5).map((v) => -v)]) {
        sigma.input().set(values);
        const s = sigma.run(values.length);
        for (const [i, x] of values.entries()) {
          expect(Math.abs((s[i] as number) - logistic(x))).toBeLessThan(1.5e-7);
        }
        sigma.input().set(values.map((x) => 2 * x));
        const s2 = sigma.run(values.length);
        for (const [i, x] of values.entries()) {
          expect(Math.abs(2 * (s2[i] as number) - 1 - Math.tanh(x))).toBeLessThan(3e-7);
        }
      }
      sigma.dispose();
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  it('writes into the wasm heap and survives a heap growth between steps', async () => {
    await useBackend('wasm');
    const sigma = new VectorSigmoid(4);
    sigma.input().set([0.1, 0.2, 0.3, 0.4]);
    expect(sigma.run(4)[3]).toBeCloseTo(logistic(0.4), 6);
    // An allocation that grows the heap detaches old views; input() and run() take new ones.
    const big = tf.zeros([64 * 1024 * 1024]);
    sigma.input().set([1, 2, 3, 4]);
    expect(sigma.run(4)[3]).toBeCloseTo(logistic(4), 6);
    big.dispose();
    sigma.dispose();
  });
});
