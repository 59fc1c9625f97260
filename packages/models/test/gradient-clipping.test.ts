import { describe, expect, it } from 'vitest';
import { clipByGlobalNorm } from '../src/gradient-clipping.js';
import { tf } from '../src/tfjs.js';

describe('clipByGlobalNorm', () => {
  const grads = () => ({ a: tf.tensor1d([3]), b: tf.tensor2d([[0, 4]]) });

  it('rescales every gradient by the same factor when the joint norm is too large', () => {
    tf.tidy(() => {
      const { grads: clipped, norm } = clipByGlobalNorm(grads(), 1);
      expect(norm.dataSync()[0]).toBeCloseTo(5);
      expect(Object.keys(clipped)).toEqual(['a', 'b']);
      expect(clipped.a?.dataSync()[0]).toBeCloseTo(0.6);
      expect(Array.from(clipped.b?.dataSync() ?? [])).toEqual([0, expect.closeTo(0.8)]);
    });
  });

  it('leaves small gradients alone, and all of them when clipNorm is 0', () => {
    tf.tidy(() => {
      expect(clipByGlobalNorm(grads(), 10).grads.a?.dataSync()[0]).toBeCloseTo(3);
      expect(clipByGlobalNorm(grads(), 0).grads.b?.dataSync()[1]).toBe(4);
    });
  });
});
