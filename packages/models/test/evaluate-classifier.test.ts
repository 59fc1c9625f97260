import { AG_NEWS_LABELS } from '@newscell/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildClassifier } from '../src/build-classifier.js';
import {
  evaluateClassifier,
  measureInference,
  predictProbabilities,
} from '../src/evaluate-classifier.js';
import { buildModelReport } from '../src/model-report.js';
import { tf } from '../src/tfjs.js';
import { trainClassifier } from '../src/train-classifier.js';
import { syntheticTopics, useBackend } from './helpers.js';

beforeAll(async () => {
  await useBackend('wasm');
});

describe('evaluateClassifier', () => {
  it('reports metrics consistent with its per-example predictions', async () => {
    const train = syntheticTopics({ n: 128, maxLength: 6, seed: 11 });
    const test = syntheticTopics({ n: 40, maxLength: 6, seed: 12 });
    const classifier = buildClassifier({
      cell: 'gru',
      vocabSize: train.vocabSize,
      embeddingDim: 8,
      hiddenUnits: 8,
      maxLength: 6,
      dropout: 0.3,
      recurrentDropout: 0.1,
    });
    const training = await trainClassifier({
      classifier,
      train,
      options: { epochs: 4, batchSize: 16, learningRate: 0.03 },
    });
    const before = tf.memory().numTensors;
    const { metrics, predictions } = evaluateClassifier(classifier, test, { batchSize: 16 });
    expect(tf.memory().numTensors).toBe(before);
    expect(predictions.labels).toEqual(test.labels);
    expect(predictions.probabilities).toHaveLength(40 * 4);
    const agree = predictions.predicted.filter((p, i) => p === test.labels[i]).length;
    expect(metrics.accuracy).toBeCloseTo(agree / 40);
    expect(metrics.accuracy).toBeGreaterThan(0.7);
    expect(metrics.perClass.map((c) => c.label)).toEqual([...AG_NEWS_LABELS]);
    expect(metrics.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(40);
    // Batching does not change the answer, and dropout is off at inference.
    expect(Array.from(predictProbabilities(classifier, test.ids, 7))).toEqual(
      Array.from(predictions.probabilities),
    );
    const report = buildModelReport({
      classifier,
      backend: await useBackend('wasm'),
      training,
      test: metrics,
      inference: { msPerTextBatch1: 1, msPerTextBatch64: 0.1, runs: 1 },
    });
    expect(report).toMatchObject({
      cell: 'gru',
      parameterCount: classifier.model.countParams(),
      backend: { name: 'wasm' },
    });
    expect(report.training.samplesPerSecond).toBeCloseTo((128 * 4) / training.trainingSeconds);
    expect(report.training.history).toHaveLength(4);
    expect(JSON.parse(JSON.stringify(report)).test.accuracy).toBe(metrics.accuracy);
    classifier.model.dispose();
  });

  it('times inference at batch 1 and 64 without leaking', () => {
    const data = syntheticTopics({ n: 10, maxLength: 6 });
    const classifier = buildClassifier({
      cell: 'rnn',
      vocabSize: data.vocabSize,
      embeddingDim: 4,
      hiddenUnits: 4,
      maxLength: 6,
    });
    const before = tf.memory().numTensors;
    const timing = measureInference(classifier, data.ids, 3);
    expect(tf.memory().numTensors).toBe(before);
    expect(timing.runs).toBe(3);
    expect(timing.msPerTextBatch1).toBeGreaterThan(0);
    expect(timing.msPerTextBatch64).toBeGreaterThan(0);
    classifier.model.dispose();
  });
});
