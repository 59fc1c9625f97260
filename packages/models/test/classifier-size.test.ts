import { beforeAll, describe, expect, it } from 'vitest';
import { buildClassifier } from '../src/build-classifier.js';
import { type ClassifierConfigInput, resolveClassifierConfig } from '../src/classifier-config.js';
import { countClassifierParameters } from '../src/classifier-size.js';
import { useBackend } from './helpers.js';

beforeAll(async () => {
  await useBackend('wasm');
});

describe('countClassifierParameters', () => {
  // The reference is the built model itself (tfjs-layers' countParams), fused and layers.
  it.each([
    { cell: 'bow' },
    { cell: 'rnn', pooling: 'last', bidirectional: false },
    { cell: 'rnn', layers: 3 },
    { cell: 'lstm', layers: 2, hiddenUnits: 7 },
    { cell: 'lstm', bidirectional: false, recurrentImplementation: 'layers' },
    { cell: 'gru', numClasses: 3, embeddingTrainable: false },
    { cell: 'gru', layers: 2, recurrentDropout: 0.1 },
  ] as const)('matches the built model: %j', (extra) => {
    const input: ClassifierConfigInput = { vocabSize: 37, embeddingDim: 5, maxLength: 6, ...extra };
    const { model } = buildClassifier(input);
    const counts = countClassifierParameters(resolveClassifierConfig(input));
    expect(counts.total).toBe(model.countParams());
    const trainable = model.trainableWeights.reduce(
      (sum, w) => sum + w.shape.reduce((a: number, b) => a * (b ?? 1), 1),
      0,
    );
    expect(counts.trainable).toBe(trainable);
    model.dispose();
  });

  it('counts the default bidirectional GRU of AG News', () => {
    const counts = countClassifierParameters(
      resolveClassifierConfig({ cell: 'gru', vocabSize: 30_000, maxLength: 48 }),
    );
    expect(counts.embedding).toBe(1_920_000);
    expect(counts.recurrent).toEqual([2 * 3 * 64 * (64 + 64 + 1)]);
    expect(counts.output).toBe((128 + 1) * 4);
  });
});
