import { describe, expect, it } from 'vitest';
import { buildClassifier } from '../../src/build-classifier.js';
import { crossEntropy } from '../../src/classification-loss.js';
import type { CellType } from '../../src/classifier-config.js';
import { tf } from '../../src/tfjs.js';
import { useBackend } from '../helpers.js';

/**
 * One gradient of Embedding → recurrent → Dense on wasm must equal the cpu reference. This is
 * how the missing wasm kernels were found: any kernel wasm lacks makes the wasm run throw.
 */
async function gradients(
  backend: 'cpu' | 'wasm',
  cell: CellType,
  bidirectional: boolean,
  pooling: 'last' | 'max' | 'mean',
) {
  await useBackend(backend);
  const { model } = buildClassifier({
    cell,
    bidirectional,
    pooling,
    layers: cell === 'bow' ? 1 : 2,
    vocabSize: 12,
    embeddingDim: 4,
    hiddenUnits: 3,
    maxLength: 5,
    dropout: 0,
  });
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const values = tf.tidy(() => {
    const x = tf.tensor2d(
      [
        [3, 3, 5, 0, 0],
        [1, 11, 2, 9, 4],
        [7, 0, 0, 0, 0],
      ],
      [3, 5],
      'int32',
    );
    const y = tf.tensor1d([0, 2, 3], 'int32');
    const { value, grads } = tf.variableGrads(
      () => crossEntropy(model.apply(x, { training: true }) as tf.Tensor, y),
      vars,
    );
    return [value, ...Object.values(grads)].map((t) => Array.from(t.dataSync()));
  });
  model.dispose();
  return values;
}

describe('a training step on wasm', () => {
  it.each([
    ['bow', false, 'mean'],
    ['rnn', false, 'last'],
    ['lstm', true, 'max'],
    ['gru', true, 'mean'],
    ['gru', false, 'last'],
  ] as const)(
    'matches the cpu gradients: %s bidirectional=%s pooling=%s',
    async (cell, bidirectional, pooling) => {
      const cpu = await gradients('cpu', cell, bidirectional, pooling);
      const wasm = await gradients('wasm', cell, bidirectional, pooling);
      expect(wasm.length).toBe(cpu.length);
      for (const [i, tensor] of wasm.entries()) {
        const reference = cpu[i] ?? [];
        expect(tensor.length).toBe(reference.length);
        for (const [j, v] of tensor.entries()) expect(v).toBeCloseTo(reference[j] ?? Number.NaN, 4);
      }
      // The embedding gradient is not all zero (it went through UnsortedSegmentSum).
      expect(wasm[1]?.some((v) => v !== 0)).toBe(true);
    },
  );
});
