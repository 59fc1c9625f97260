import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/tfjs.js';
import { registerFastGather, stockWasmGather } from '../../src/wasm-kernels/gather.js';
import { useBackend } from '../helpers.js';

type Case = {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  indices: number[];
  indicesShape: number[];
  axis: number;
  batchDims?: number;
};

const CASES: Case[] = [
  {
    name: 'embedding rows (slices of 64)',
    shape: [50, 64],
    dtype: 'float32',
    indices: [3, 49, 0, 3, 7, 7, 12, 1],
    indicesShape: [2, 4],
    axis: 0,
  },
  {
    name: 'narrow slices (3 wide), repeated ids',
    shape: [6, 3],
    dtype: 'float32',
    indices: [5, 5, 0, 2],
    indicesShape: [4],
    axis: 0,
  },
  {
    name: 'middle axis',
    shape: [2, 5, 20],
    dtype: 'float32',
    indices: [4, 0, 2],
    indicesShape: [3],
    axis: 1,
  },
  {
    name: 'last axis (slices of 1), int32',
    shape: [3, 4],
    dtype: 'int32',
    indices: [3, 1],
    indicesShape: [2],
    axis: 1,
  },
  {
    name: 'batchDims 1',
    shape: [3, 5, 17],
    dtype: 'float32',
    indices: [0, 4, 1, 1, 2, 3],
    indicesShape: [3, 2],
    axis: 1,
    batchDims: 1,
  },
  {
    name: 'no indices',
    shape: [4, 8],
    dtype: 'float32',
    indices: [],
    indicesShape: [0],
    axis: 0,
  },
];

function run(c: Case): tf.Tensor {
  const size = c.shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: size }, (_, i) =>
    c.dtype === 'int32' ? i * 3 - 7 : Math.sin(i) * 3,
  );
  return tf.tidy(() =>
    tf.gather(
      tf.tensor(values, c.shape, c.dtype),
      tf.tensor(c.indices, c.indicesShape, 'int32'),
      c.axis,
      c.batchDims ?? 0,
    ),
  );
}

async function on(backend: 'cpu' | 'wasm', c: Case) {
  await useBackend(backend);
  const before = tf.memory().numTensors;
  const out = run(c);
  const result = { shape: out.shape, dtype: out.dtype, values: Array.from(out.dataSync()) };
  out.dispose();
  expect(tf.memory().numTensors).toBe(before);
  return result;
}

describe('wasm GatherV2 (block copies in the heap)', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('replaces the backend kernel once, and only once', () => {
    const ours = tf.getKernel(tf.GatherV2, 'wasm');
    registerFastGather();
    expect(tf.getKernel(tf.GatherV2, 'wasm')).toBe(ours);
    const stock = stockWasmGather();
    expect(stock).toBeDefined();
    expect(ours?.kernelFunc).not.toBe(stock?.kernelFunc);
  });

  it.each(CASES)('matches tfjs-backend-cpu exactly: $name', async (c) => {
    const cpu = await on('cpu', c);
    const wasm = await on('wasm', c);
    expect(wasm).toEqual(cpu);
  });

  it('still differentiates (the gradient is tfjs-core’s, through UnsortedSegmentSum)', async () => {
    const grad = async (backend: 'cpu' | 'wasm') => {
      await useBackend(backend);
      const g = tf.tidy(() =>
        tf.grad((p: tf.Tensor) =>
          tf.sum(
            tf.mul(
              tf.gather(p, tf.tensor1d([2, 0, 2], 'int32')),
              tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]),
            ),
          ),
        )(tf.tensor2d([1, 1, 1, 1, 1, 1], [3, 2])),
      );
      const values = Array.from(g.dataSync());
      g.dispose();
      return values;
    };
    expect(await grad('wasm')).toEqual(await grad('cpu'));
    expect(await grad('wasm')).toEqual([3, 4, 0, 0, 6, 8]);
  });

  it('rejects an index out of range with tfjs’s message, and leaks nothing', async () => {
    await useBackend('wasm');
    const table = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const before = tf.memory().numTensors;
    for (const bad of [2, -1]) {
      expect(() => tf.tidy(() => tf.gather(table, tf.tensor1d([0, bad], 'int32')))).toThrow(
        `GatherV2: the index value ${bad} is not in [0, 1]`,
      );
    }
    expect(tf.memory().numTensors).toBe(before);
    table.dispose();
  });

  it('hands dtypes it does not copy (bool) to the backend’s own kernel', async () => {
    await useBackend('wasm');
    const out = tf.tidy(() =>
      tf.gather(tf.tensor1d([true, false, true], 'bool'), tf.tensor1d([1, 2, 1], 'int32')),
    );
    expect(out.dtype).toBe('bool');
    expect(Array.from(out.dataSync())).toEqual([0, 1, 0]);
    out.dispose();
  });
});
