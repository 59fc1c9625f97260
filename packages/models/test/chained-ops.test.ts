import { describe, expect, it } from 'vitest';
import { tf } from '../src/tfjs.js';

describe('chained ops', () => {
  it('gives tensors the method forms tfjs-layers calls', () => {
    tf.tidy(() => {
      const t = tf.tensor2d([
        [1, -2],
        [3, -4],
      ]) as unknown as Record<string, (...a: unknown[]) => tf.Tensor>;
      expect(Array.from(t.flatten?.().dataSync() ?? [])).toEqual([1, -2, 3, -4]);
      expect(Array.from(t.sign?.().dataSync() ?? [])).toEqual([1, -1, 1, -1]);
      expect(t.transpose?.().shape).toEqual([2, 2]);
      expect(Array.from(t.stridedSlice?.([0, 0], [2, 2], [1, 1]).dataSync() ?? []).length).toBe(4);
      expect(t.concat?.(tf.ones([1, 2]), 0).shape).toEqual([3, 2]);
    });
  });
});
