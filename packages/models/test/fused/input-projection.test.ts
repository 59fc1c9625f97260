import type { Tensor } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { buildClassifier } from '../../src/build-classifier.js';
import type { ClassifierConfigInput } from '../../src/classifier-config.js';
import {
  inputProjections,
  predictProbabilities,
  releaseInputProjections,
} from '../../src/evaluate-classifier.js';
import { tf } from '../../src/tfjs.js';
import { trainClassifier } from '../../src/train-classifier.js';
import { syntheticTopics, useBackend } from '../helpers.js';

const MAX_LENGTH = 12;
const SHAPES: Pick<ClassifierConfigInput, 'cell' | 'bidirectional' | 'pooling' | 'layers'>[] = [
  { cell: 'lstm', bidirectional: false, pooling: 'last' },
  { cell: 'gru', bidirectional: true, pooling: 'max' },
  { cell: 'rnn', bidirectional: true, pooling: 'mean', layers: 2 },
];
// Width 6 runs the JavaScript step loops; width 8 (a multiple of 4) the wasm step kernels, which
// on wasm read the table from the heap by token id.
const CONFIGS: ClassifierConfigInput[] = [6, 8].flatMap((hiddenUnits) =>
  SHAPES.map((c) => ({ ...c, vocabSize: 40, embeddingDim: 8, hiddenUnits, maxLength: MAX_LENGTH })),
);

/** The model's own forward pass, without the ids that switch the vocabulary table on. */
function plainForward(classifier: ReturnType<typeof buildClassifier>, ids: Int32Array) {
  return tf.tidy(() => {
    const x = tf.tensor2d(ids, [ids.length / MAX_LENGTH, MAX_LENGTH], 'int32');
    return Array.from((classifier.model.apply(x, { training: false }) as Tensor).dataSync());
  });
}

function tablesOf(classifier: ReturnType<typeof buildClassifier>) {
  return [...inputProjections(classifier).values()].map((source) => source.table.current());
}

describe.each(['wasm', 'cpu'] as const)(
  'inference through the vocabulary table on %s',
  (backend) => {
    it.each(
      CONFIGS.map(
        (c) => [`${c.cell}-${c.hiddenUnits} bi=${c.bidirectional} ${c.pooling}`, c] as const,
      ),
    )(
      '%s: same probabilities as the product path, before and after training',
      async (_name, config) => {
        await useBackend(backend);
        const classifier = buildClassifier(config);
        const data = syntheticTopics({ n: 24, maxLength: MAX_LENGTH, vocabSize: 40 });
        const check = () => {
          const before = tf.memory().numTensors;
          const viaTable = Array.from(predictProbabilities(classifier, data.ids, 16));
          expect(tf.memory().numTensors).toBe(before); // the table is plain memory, not a tensor
          const plain = plainForward(classifier, data.ids);
          expect(viaTable).toHaveLength(plain.length);
          for (const [i, p] of plain.entries()) expect(viaTable[i]).toBeCloseTo(p, 5);
        };
        check();
        const tables = tablesOf(classifier);
        expect(tables.every((t) => t !== null)).toBe(true);
        // On wasm the tables live in the heap, outside tfjs's tensors.
        expect(tables.every((t) => (t?.heapOffset !== null) === (backend === 'wasm'))).toBe(true);
        // Training replaces the weights: the next prediction must build new tables from them.
        await trainClassifier({
          classifier,
          train: data,
          options: { epochs: 1, batchSize: 8, learningRate: 0.05 },
        });
        check();
        const after = tablesOf(classifier);
        for (const [i, t] of after.entries()) expect(t).not.toBe(tables[i]);
        // Released (as Predictor.dispose does): gone now, made again on the next prediction.
        releaseInputProjections(classifier);
        expect(tablesOf(classifier).every((t) => t === null)).toBe(true);
        check();
        classifier.model.dispose();
      },
    );
  },
);
