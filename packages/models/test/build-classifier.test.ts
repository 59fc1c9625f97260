import { isNewscellError } from '@newscell/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildClassifier } from '../src/build-classifier.js';
import type { ClassifierConfigInput } from '../src/classifier-config.js';
import { predictProbabilities } from '../src/evaluate-classifier.js';
import { tf } from '../src/tfjs.js';
import { storeModelWeights } from '../src/training-checkpoint.js';
import { useBackend } from './helpers.js';

const base = {
  vocabSize: 30,
  embeddingDim: 5,
  hiddenUnits: 4,
  maxLength: 6,
} satisfies ClassifierConfigInput;

beforeAll(async () => {
  await useBackend('wasm');
});

describe('buildClassifier', () => {
  it.each([
    { cell: 'bow' },
    { cell: 'rnn', pooling: 'last', bidirectional: false },
    { cell: 'lstm', pooling: 'max', layers: 2 },
    { cell: 'gru', pooling: 'mean', bidirectional: true, numClasses: 3 },
  ] as const)('builds $cell models that output probabilities: %j', (extra) => {
    const { model, config } = buildClassifier({ ...base, ...extra });
    const out = tf.tidy(
      () =>
        model.predict(
          tf.tensor2d(
            [
              [1, 2, 3, 0, 0, 0],
              [4, 4, 4, 4, 4, 4],
            ],
            [2, 6],
            'int32',
          ),
        ) as tf.Tensor,
    );
    expect(out.shape).toEqual([2, config.numClasses]);
    const sums = tf.tidy(() => tf.sum(out, 1).dataSync());
    for (const s of sums) expect(s).toBeCloseTo(1, 5);
    out.dispose();
    model.dispose();
  });

  it('counts the parameters of the architecture it was asked for', () => {
    const { model } = buildClassifier({
      ...base,
      cell: 'lstm',
      bidirectional: false,
      pooling: 'last',
      dropout: 0,
    });
    // embedding 30×5 + LSTM 4·(5·4 + 4·4 + 4) + dense 4·4 + 4
    expect(model.countParams()).toBe(150 + 4 * (20 + 16 + 4) + 20);
    model.dispose();
    const bi = buildClassifier({
      ...base,
      cell: 'gru',
      bidirectional: true,
      layers: 2,
      pooling: 'max',
      dropout: 0,
    });
    // GRU: 3·(in·h + h·h + h) per direction; layer 2 reads 2h = 8 features; dense reads 8
    const gru = (input: number) => 3 * (input * 4 + 16 + 4);
    expect(bi.model.countParams()).toBe(150 + 2 * gru(5) + 2 * gru(8) + 8 * 4 + 4);
    bi.model.dispose();
  });

  it('builds the same weights from the same seed and different ones from another', () => {
    const a = buildClassifier({ ...base, cell: 'lstm' });
    const b = buildClassifier({ ...base, cell: 'lstm' });
    const c = buildClassifier({ ...base, cell: 'lstm', seed: 7 });
    const values = (m: typeof a) => storeModelWeights(m.model).map((w) => Array.from(w.values));
    expect(values(b)).toEqual(values(a));
    expect(values(c)).not.toEqual(values(a));
    for (const m of [a, b, c]) m.model.dispose();
  });

  it.each(['bow', 'rnn', 'lstm', 'gru'] as const)(
    'ignores padding when masking is on (%s)',
    (cell) => {
      for (const pooling of cell === 'bow'
        ? (['mean', 'max'] as const)
        : (['last', 'max', 'mean'] as const)) {
        // Same seed, same weight shapes: the model for 2 tokens has the weights of the one for 6.
        const long = buildClassifier({ ...base, cell, pooling, maxLength: 6 });
        const short = buildClassifier({ ...base, cell, pooling, maxLength: 2 });
        const padded = predictProbabilities(long, Int32Array.from([7, 9, 0, 0, 0, 0]));
        const exact = predictProbabilities(short, Int32Array.from([7, 9]));
        for (const [i, p] of padded.entries())
          expect(p, `${cell}/${pooling}`).toBeCloseTo(exact[i] ?? Number.NaN, 5);
        long.model.dispose();
        short.model.dispose();
      }
      // Without masking the padding counts.
      const long = buildClassifier({ ...base, cell, maskPadding: false, pooling: 'mean' });
      const short = buildClassifier({
        ...base,
        cell,
        maskPadding: false,
        pooling: 'mean',
        maxLength: 2,
      });
      const padded = predictProbabilities(long, Int32Array.from([7, 9, 0, 0, 0, 0]));
      const exact = predictProbabilities(short, Int32Array.from([7, 9]));
      expect(Array.from(padded)).not.toEqual(Array.from(exact));
      long.model.dispose();
      short.model.dispose();
    },
  );

  it('starts from a given embedding matrix, frozen when asked', () => {
    const matrix = Float32Array.from({ length: 30 * 5 }, (_, i) => i / 100);
    const frozen = buildClassifier(
      { ...base, embeddingInit: 'pretrained', embeddingTrainable: false },
      { embeddings: matrix },
    );
    const embedding = frozen.model.getLayer('embedding');
    expect(Array.from(embedding.getWeights()[0]?.dataSync() ?? [])).toEqual(Array.from(matrix));
    expect(frozen.model.trainableWeights.some((w) => w.originalName.startsWith('embedding'))).toBe(
      false,
    );
    frozen.model.dispose();
    const trainable = buildClassifier(
      { ...base, embeddingInit: 'pretrained' },
      { embeddings: matrix },
    );
    expect(
      trainable.model.trainableWeights.some((w) => w.originalName.startsWith('embedding')),
    ).toBe(true);
    trainable.model.dispose();
  });

  it.each([
    [{ embeddingInit: 'pretrained' }, undefined, /no embedding matrix was given/],
    [{}, new Float32Array(150), /embeddingInit is 'random'/],
    [
      { embeddingInit: 'pretrained' },
      new Float32Array(149),
      /149 values but vocabSize × embeddingDim = 30 × 5 = 150/,
    ],
    [
      { embeddingInit: 'pretrained' },
      Float32Array.from({ length: 150 }, (_, i) => (i === 17 ? Number.NaN : 0)),
      /row 3, column 2 is NaN/,
    ],
  ] as const)('refuses a bad embedding matrix: %j', (extra, embeddings, pattern) => {
    try {
      buildClassifier({ ...base, ...extra }, embeddings === undefined ? {} : { embeddings });
      expect.unreachable();
    } catch (error) {
      expect(isNewscellError(error) && error.code).toBe('EMBEDDINGS_INVALID');
      expect((error as Error).message).toMatch(pattern);
    }
  });
});
