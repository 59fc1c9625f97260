import { describe, expect, it } from 'vitest';
import { tf } from '../../src/tfjs.js';
import { useBackend } from '../helpers.js';

/** Values of `tf.reverse` on a backend, for each case. */
async function reversed(backend: 'cpu' | 'wasm') {
  await useBackend(backend);
  const cases: [number[], number[], 'float32' | 'int32' | 'bool'][] = [
    [[64, 48, 64], [1], 'float32'], // Bidirectional's time reversal
    [[2, 3, 4], [0, 2], 'float32'],
    [[2, 3, 4], [2], 'int32'], // innermost: element by element
    [[5, 7], [0, 1], 'float32'],
    [[4, 1, 3], [1], 'float32'],
    [[3, 5], [], 'float32'],
    [[0, 4], [1], 'float32'],
    [[2, 3, 5], [1], 'bool'], // the stock kernel overran bool's 1-byte storage
  ];
  return cases.map(([shape, axes, dtype]) =>
    tf.tidy(() => {
      const size = shape.reduce((a, b) => a * b, 1);
      const x = tf.tensor(
        Array.from({ length: size }, (_, i) =>
          dtype === 'bool' ? Number(i % 3 === 0) : (i * 37) % 101,
        ),
        shape,
        dtype,
      );
      return Array.from(tf.reverse(x, axes).dataSync());
    }),
  );
}

describe('wasm Reverse', () => {
  it('equals the cpu backend for every shape, axis set and dtype', async () => {
    const expected = await reversed('cpu');
    const actual = await reversed('wasm');
    expect(actual).toEqual(expected);
  });
});
