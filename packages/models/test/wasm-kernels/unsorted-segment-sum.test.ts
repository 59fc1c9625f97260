import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCpuTrainingKernels } from '../../src/cpu-kernels/unsorted-segment-sum.js';
import { tf } from '../../src/tfjs.js';
import { WASM_TRAINING_KERNELS } from '../../src/wasm-kernels/register.js';
import { useBackend } from '../helpers.js';

type Case = { name: string; vocab: number; dim: number; indices: number[][] };

const CASES: Case[] = [
  { name: 'distinct ids', vocab: 7, dim: 3, indices: [[1, 2, 3]] },
  { name: 'repeated ids in a row', vocab: 5, dim: 4, indices: [[2, 2, 2, 1]] },
  {
    name: 'repeats across a batch, padding id 0',
    vocab: 9,
    dim: 2,
    indices: [
      [1, 4, 0, 0],
      [4, 4, 8, 0],
      [0, 0, 0, 0],
    ],
  },
  {
    name: 'wide rows',
    vocab: 30,
    dim: 33,
    indices: [
      [29, 0, 5, 5, 17],
      [3, 29, 29, 1, 2],
    ],
  },
];

/** Runs `fn` on `backend` and returns plain arrays, so results from two backends compare. */
async function on(backend: 'cpu' | 'wasm', fn: () => tf.Tensor | tf.Tensor[]): Promise<number[][]> {
  await useBackend(backend);
  const before = tf.memory().numTensors;
  const out = tf.tidy(fn);
  const list = Array.isArray(out) ? out : [out];
  const values = list.map((t) => Array.from(t.dataSync()));
  tf.dispose(list);
  expect(tf.memory().numTensors).toBe(before);
  return values;
}

function valuesFor(c: Case) {
  const params = Array.from({ length: c.vocab * c.dim }, (_, i) => Math.sin(i * 1.7) * 2);
  const rows = c.indices.length;
  const cols = c.indices[0]?.length ?? 0;
  const upstream = Array.from(
    { length: rows * cols * c.dim },
    (_, i) => Math.cos(i * 0.37) + 0.1 * i,
  );
  return { params, rows, cols, upstream };
}

describe('wasm UnsortedSegmentSum kernel', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });
  afterAll(async () => {
    await useBackend('wasm');
  });

  it('is registered for wasm', () => {
    expect(WASM_TRAINING_KERNELS.map((k) => k.kernelName)).toContain('UnsortedSegmentSum');
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeDefined();
  });

  it.each(CASES)('embedding gather forward and gradient match cpu: $name', async (c) => {
    const { params, rows, cols, upstream } = valuesFor(c);
    const run = () => {
      const p = tf.tensor2d(params, [c.vocab, c.dim]);
      const idx = tf.tensor2d(c.indices.flat(), [rows, cols], 'int32');
      const dy = tf.tensor3d(upstream, [rows, cols, c.dim]);
      const gathered = tf.gather(p, idx);
      // d/dp of sum(gather(p, idx) * dy) is the scatter-add of dy into the gathered rows.
      const grad = tf.grad((q: tf.Tensor) => tf.sum(tf.mul(tf.gather(q, idx), dy)))(p);
      return [gathered, grad];
    };
    const cpu = await on('cpu', run);
    const wasm = await on('wasm', run);
    expect(wasm[0]).toEqual(cpu[0]);
    expect(wasm[1]?.length).toBe(c.vocab * c.dim);
    for (const [i, v] of (wasm[1] ?? []).entries()) {
      expect(v).toBeCloseTo(cpu[1]?.[i] ?? Number.NaN, 4);
    }
    // Rows no index points at must get exactly zero gradient (the kernel zeroes its output).
    const counts = new Map<number, number>();
    for (const id of c.indices.flat()) counts.set(id, (counts.get(id) ?? 0) + 1);
    const neverGathered = [...Array(c.vocab).keys()].find((id) => !counts.has(id));
    if (neverGathered !== undefined) {
      expect(
        wasm[1]?.slice(neverGathered * c.dim, (neverGathered + 1) * c.dim).every((v) => v === 0),
      ).toBe(true);
    }
  });

  it('matches cpu called directly, dropping out-of-range ids, for int32 and float32', async () => {
    const run = () => [
      tf.unsortedSegmentSum(
        tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]),
        tf.tensor1d([0, 2, 0, 5], 'int32'),
        3,
      ),
      tf.unsortedSegmentSum(
        tf.tensor1d([1, 2, 3, 4], 'int32'),
        tf.tensor1d([1, 1, -1, 0], 'int32'),
        2,
      ),
    ];
    const cpu = await on('cpu', run);
    const wasm = await on('wasm', run);
    expect(wasm).toEqual(cpu);
    expect(wasm[0]).toEqual([6, 8, 0, 0, 3, 4]);
    expect(wasm[1]).toEqual([4, 3]);
  });

  it('treats multi-dimensional segment ids as TensorFlow does', async () => {
    // tfjs's cpu kernel only reduces axis 0 here (gather's gradient never passes such ids), so
    // the reference is TensorFlow's definition: ids index the flattened leading dimensions.
    const [sums] = await on('wasm', () =>
      tf.unsortedSegmentSum(
        tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]),
        tf.tensor2d([1, 1, 0, 1], [2, 2], 'int32') as unknown as tf.Tensor1D,
        2,
      ),
    );
    expect(sums).toEqual([5, 6, 1 + 3 + 7, 2 + 4 + 8]);
  });

  it('zeroes its output even when the heap holds old values', async () => {
    await useBackend('wasm');
    // Freed memory gets reused by the next allocation of the same size.
    tf.tidy(() => tf.fill([6, 4], 123).dataSync());
    const out = tf.tidy(() =>
      tf.unsortedSegmentSum(tf.ones([2, 4]), tf.tensor1d([5, 5], 'int32'), 6),
    );
    expect(Array.from(out.dataSync())).toEqual([...Array(20).fill(0), 2, 2, 2, 2]);
    out.dispose();
  });

  it('has a cpu twin (one pass) that agrees with tfjs-backend-cpu on the embedding gradient', async () => {
    const run = () =>
      CASES.map((c) => {
        const { params, rows, cols, upstream } = valuesFor(c);
        const idx = tf.tensor2d(c.indices.flat(), [rows, cols], 'int32');
        const dy = tf.tensor3d(upstream, [rows, cols, c.dim]);
        return tf.grad((q: tf.Tensor) => tf.sum(tf.mul(tf.gather(q, idx), dy)))(
          tf.tensor2d(params, [c.vocab, c.dim]),
        );
      });
    const reference = await on('cpu', run);
    const original = tf.getKernel('UnsortedSegmentSum', 'cpu');
    registerCpuTrainingKernels();
    expect(tf.getKernel('UnsortedSegmentSum', 'cpu')?.kernelFunc).not.toBe(original?.kernelFunc);
    const replaced = await on('cpu', run);
    tf.unregisterKernel('UnsortedSegmentSum', 'cpu');
    if (original !== undefined) tf.registerKernel(original);
    for (const [i, values] of replaced.entries()) {
      for (const [j, v] of values.entries())
        expect(v).toBeCloseTo(reference[i]?.[j] ?? Number.NaN, 4);
    }
  });
});
