import { describe, expect, it } from 'vitest';
import { maxOverTime } from '../src/masked-global-pooling.js';
import { tf } from '../src/tfjs.js';
import { useBackend } from './helpers.js';

describe.each(['cpu', 'wasm'] as const)('maxOverTime on %s', (backend) => {
  it('is max over axis 1 with tfjs’s gradient, ties included', async () => {
    await useBackend(backend);
    // Ties on purpose: column 0 of text 0 peaks twice, column 2 of text 1 is constant.
    const x = tf.tensor3d(
      [
        [
          [3, 1, 0],
          [1, 2, -1],
          [3, 0, 5],
        ],
        [
          [0, 4, 7],
          [2, 4, 7],
          [1, -3, 7],
        ],
      ],
      [2, 3, 3],
    );
    const dy = tf.tensor2d([
      [1, -2, 3],
      [0.5, 4, -6],
    ]);
    const before = tf.memory().numTensors;
    const ours = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(maxOverTime(t as tf.Tensor3D), dy)))(x);
    const theirs = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.max(t, 1), dy)))(x);
    expect(ours.arraySync()).toEqual(theirs.arraySync());
    expect((ours.arraySync() as number[][][])[0]?.[0]).toEqual([1, -0, 0]); // dy · 0 keeps its sign, as tfjs
    expect((ours.arraySync() as number[][][])[1]?.map((row) => row[2])).toEqual([-6, -6, -6]);
    const y = maxOverTime(x);
    expect(y.arraySync()).toEqual(tf.tidy(() => tf.max(x, 1).arraySync()));
    tf.dispose([ours, theirs, y]);
    expect(tf.memory().numTensors).toBe(before + 0);
    tf.dispose([x, dy]);
  });
});
