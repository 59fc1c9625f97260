import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildClassifier, type ClassifierModel } from '../../src/build-classifier.js';
import { crossEntropy } from '../../src/classification-loss.js';
import type { ClassifierConfigInput } from '../../src/classifier-config.js';
import { predictProbabilities } from '../../src/evaluate-classifier.js';
import { withRecurrentImplementation } from '../../src/fused/convert-implementation.js';
import { FusedRecurrent } from '../../src/fused/fused-recurrent-layer.js';
import { loadClassifier, saveClassifier } from '../../src/model-directory.js';
import { tf } from '../../src/tfjs.js';
import { tempDir, useBackend } from '../helpers.js';

const MAX_LENGTH = 7;
const VOCAB = 30;

/** Pre-padded rows of 7, 3, 1 and 0 real tokens: the shapes the tokenizer produces. */
const IDS = Int32Array.from(
  [
    [4, 9, 12, 3, 28, 2, 17],
    [0, 0, 0, 0, 5, 5, 21],
    [0, 0, 0, 0, 0, 0, 13],
    [0, 0, 0, 0, 0, 0, 0],
  ].flat(),
);
const LABELS = Int32Array.from([0, 3, 1, 2]);

function recurrentLayersOf(classifier: ClassifierModel): string[] {
  return classifier.model.layers.map((layer) => {
    const inner = (layer as unknown as { forwardLayer?: unknown }).forwardLayer ?? layer;
    return (inner as { getClassName(): string }).getClassName();
  });
}

function lossAndGrads(classifier: ClassifierModel) {
  const vars = classifier.model.trainableWeights.map((w) => w.read() as tf.Variable);
  const x = tf.tensor2d(IDS, [LABELS.length, MAX_LENGTH], 'int32');
  const y = tf.tensor1d(LABELS, 'int32');
  const { value, grads } = tf.variableGrads(
    () => crossEntropy(classifier.model.apply(x, { training: true }) as tf.Tensor, y),
    vars,
  );
  const result = {
    loss: value.dataSync()[0] as number,
    grads: vars.map((v) => Array.from(grads[v.name]?.dataSync() ?? [])),
  };
  tf.dispose([x, y, value, ...Object.values(grads)]);
  return result;
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++)
    worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
  return worst;
}

const ARCHITECTURES: { name: string; config: Partial<ClassifierConfigInput> }[] = [
  {
    name: 'stacked bidirectional, max pooling',
    config: { layers: 2, bidirectional: true, pooling: 'max' },
  },
  { name: 'bidirectional, mean pooling', config: { bidirectional: true, pooling: 'mean' } },
  { name: 'unidirectional, last state', config: { bidirectional: false, pooling: 'last' } },
];

describe.each(['cpu', 'wasm'] as const)(
  'classifiers with fused recurrent layers on %s',
  (backend) => {
    describe.each(['rnn', 'lstm', 'gru'] as const)('%s', (cell) => {
      it.each(ARCHITECTURES)(
        '$name: same weights, outputs and gradients as tfjs-layers',
        async ({ config }) => {
          await useBackend(backend);
          const base = {
            cell,
            vocabSize: VOCAB,
            embeddingDim: 5,
            hiddenUnits: 4,
            maxLength: MAX_LENGTH,
            dropout: 0,
            seed: 3,
            ...config,
          };
          const fused = buildClassifier({ ...base, recurrentImplementation: 'fused' });
          const layers = buildClassifier({ ...base, recurrentImplementation: 'layers' });
          expect(recurrentLayersOf(fused)).toContain(FusedRecurrent.className);
          expect(recurrentLayersOf(layers)).not.toContain(FusedRecurrent.className);
          // Same initialisers drawn in the same order: identical weights from the same seed.
          const fw = fused.model.getWeights();
          const lw = layers.model.getWeights();
          expect(fw.map((w) => w.shape)).toEqual(lw.map((w) => w.shape));
          for (const [i, w] of fw.entries()) {
            expect(maxDifference(w.dataSync(), (lw[i] as tf.Tensor).dataSync())).toBe(0);
          }

          expect(
            maxDifference(predictProbabilities(fused, IDS), predictProbabilities(layers, IDS)),
          ).toBeLessThan(1e-5);
          const a = lossAndGrads(fused);
          const b = lossAndGrads(layers);
          expect(Math.abs(a.loss - b.loss)).toBeLessThan(1e-5);
          b.grads.forEach((g, i) => {
            const scale = Math.max(1e-3, ...g.map(Math.abs));
            expect(maxDifference(a.grads[i] ?? [], g) / scale, `gradient ${i}`).toBeLessThan(1e-4);
          });
          fused.model.dispose();
          layers.model.dispose();
        },
      );
    });
  },
);

describe('choosing the implementation', () => {
  it('is fused by default and tfjs-layers when asked or when recurrentDropout is set', async () => {
    await useBackend('cpu');
    const small = { vocabSize: VOCAB, maxLength: MAX_LENGTH, hiddenUnits: 4 };
    const byDefault = buildClassifier(small);
    const asked = buildClassifier({ ...small, recurrentImplementation: 'layers' });
    const withRecurrentDropout = buildClassifier({ ...small, recurrentDropout: 0.1 });
    expect(recurrentLayersOf(byDefault)).toContain(FusedRecurrent.className);
    expect(recurrentLayersOf(asked)).toContain('GRU');
    expect(recurrentLayersOf(withRecurrentDropout)).toContain('GRU');
    expect(byDefault.config.recurrentImplementation).toBeUndefined(); // absent = fused
    for (const c of [byDefault, asked, withRecurrentDropout]) c.model.dispose();
  });

  it('drops inputs only in training, with one mask per text for every step', async () => {
    await useBackend('cpu');
    const classifier = buildClassifier({
      vocabSize: VOCAB,
      maxLength: MAX_LENGTH,
      hiddenUnits: 4,
      dropout: 0.5,
      pooling: 'last',
      bidirectional: false,
    });
    const x = tf.tensor2d(IDS, [LABELS.length, MAX_LENGTH], 'int32');
    const run = (training: boolean) =>
      tf.tidy(() => Array.from((classifier.model.apply(x, { training }) as tf.Tensor).dataSync()));
    expect(run(false)).toEqual(run(false));
    expect(maxDifference(run(true), run(false))).toBeGreaterThan(1e-4);
    x.dispose();
    classifier.model.dispose();
  });

  it('loads models saved with either implementation, and runs them with the other', async () => {
    await useBackend('wasm');
    const { dir, cleanup } = await tempDir();
    try {
      for (const implementation of ['fused', 'layers'] as const) {
        const original = buildClassifier({
          cell: 'lstm',
          vocabSize: VOCAB,
          embeddingDim: 4,
          hiddenUnits: 3,
          maxLength: MAX_LENGTH,
          layers: 2,
          recurrentImplementation: implementation,
        });
        const expected = predictProbabilities(original, IDS);
        const where = path.join(dir, implementation);
        await saveClassifier(where, original, {
          backend: { name: 'wasm', tfjsName: 'wasm', version: 'x', coreVersion: 'x' },
          vocabularyHash: 'v',
          datasetSplitHash: 's',
        });
        const { classifier: loaded } = await loadClassifier(where);
        expect(recurrentLayersOf(loaded).includes(FusedRecurrent.className)).toBe(
          implementation === 'fused',
        );
        expect(maxDifference(predictProbabilities(loaded, IDS), expected)).toBeLessThan(1e-6);
        const other = withRecurrentImplementation(
          loaded,
          implementation === 'fused' ? 'layers' : 'fused',
        );
        expect(recurrentLayersOf(other).includes(FusedRecurrent.className)).toBe(
          implementation !== 'fused',
        );
        expect(maxDifference(predictProbabilities(other, IDS), expected)).toBeLessThan(1e-5);
        for (const c of [original, loaded, other]) c.model.dispose();
      }
    } finally {
      await cleanup();
    }
  });
});
