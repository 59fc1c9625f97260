import { describe, expect, it } from 'vitest';
import { TensorFloats } from '../../src/fused/tensor-floats.js';
import { tf } from '../../src/tfjs.js';
import { useBackend } from '../helpers.js';

describe('TensorFloats', () => {
  it.each(['wasm', 'cpu'] as const)('reads a tensor’s values on %s', async (backend) => {
    await useBackend(backend);
    const t = tf.tensor1d([1.5, -2, 3]);
    expect(Array.from(new TensorFloats(t).get())).toEqual([1.5, -2, 3]);
    t.dispose();
  });

  it('takes its wasm heap view again after an allocation grew the heap', async () => {
    await useBackend('wasm');
    const t = tf.tensor1d([4, 5, 6, 7]);
    const floats = new TensorFloats(t);
    const before = floats.get();
    expect(before.length).toBe(4);
    // Far more than is free in the heap: the wasm memory grows, detaching every older view.
    const big = tf.zeros([64 * 1024 * 1024]);
    expect(before.length).toBe(0); // the old view is detached: the case get() must handle
    expect(Array.from(floats.get())).toEqual([4, 5, 6, 7]);
    tf.dispose([big, t]);
  });
});
