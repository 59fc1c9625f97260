import { describe, expect, it } from 'vitest';
import { tf } from '../../src/tfjs.js';
import { keepsMemoryOrder } from '../../src/wasm-kernels/shared-data.js';
import { sumOfSquares } from '../../src/wasm-kernels/sum-of-squares.js';
import { useBackend } from '../helpers.js';

describe('copy-free Identity and no-op Transpose on wasm', () => {
  it('knows which permutations keep the memory order', () => {
    expect(keepsMemoryOrder([20, 64], [0, 1])).toBe(true);
    expect(keepsMemoryOrder([20, 1, 64], [1, 0, 2])).toBe(true);
    expect(keepsMemoryOrder([20, 1, 64], [0, 2, 1])).toBe(true);
    expect(keepsMemoryOrder([20, 64], [1, 0])).toBe(false);
    expect(keepsMemoryOrder([2, 3, 4], [0, 2, 1])).toBe(false);
  });

  it('clones and no-op transposes share the data; real transposes still move it', async () => {
    await useBackend('wasm');
    const x = tf.tensor3d(
      Array.from({ length: 24 }, (_, i) => i),
      [2, 1, 12],
    );
    const buffers = tf.memory().numDataBuffers;
    const clone = tf.clone(x);
    const same = tf.transpose(x, [1, 0, 2]);
    expect(tf.memory().numDataBuffers, 'no new buffers').toBe(buffers);
    expect(same.shape).toEqual([1, 2, 12]);
    x.dispose(); // the others keep the data alive
    expect(Array.from(clone.dataSync())).toEqual(Array.from({ length: 24 }, (_, i) => i));
    expect(Array.from(same.dataSync())).toEqual(Array.from({ length: 24 }, (_, i) => i));
    const moved = tf.tidy(() => tf.transpose(tf.reshape(clone, [2, 12]), [1, 0]));
    expect((moved.arraySync() as number[][])[1]).toEqual([1, 13]);
    tf.dispose([clone, same, moved]);
    expect(tf.memory().numDataBuffers).toBe(buffers - 1);
  });
});

describe('sumOfSquares', () => {
  it.each(['wasm', 'cpu'] as const)(
    'is the sum of squares on %s, every length',
    async (backend) => {
      await useBackend(backend);
      for (const size of [0, 1, 7, 8, 9, 17, 1000, 1_280_000]) {
        const x = tf.randomNormal([size], 0, 1, 'float32', size + 1);
        // The exact (float64) sum of the float32 squares.
        const expected = Array.from(x.dataSync()).reduce((sum, v) => sum + Math.fround(v * v), 0);
        const before = tf.memory().numTensors;
        const actual = sumOfSquares(x);
        expect(tf.memory().numTensors).toBe(before + 1);
        expect(actual.shape).toEqual([]);
        const value = actual.dataSync()[0] as number;
        expect(Math.abs(value - expected), `size ${size}`).toBeLessThanOrEqual(
          1e-5 * Math.max(1, expected),
        );
        tf.dispose([x, actual]);
      }
    },
  );

  it('takes other dtypes through tfjs’s ops', async () => {
    await useBackend('wasm');
    const x = tf.tensor1d([1, 2, 3], 'int32');
    const s = sumOfSquares(x);
    expect(s.dataSync()[0]).toBe(14);
    tf.dispose([x, s]);
  });
});
