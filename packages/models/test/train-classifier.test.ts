import path from 'node:path';
import { isNewscellError } from '@newscell/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildClassifier } from '../src/build-classifier.js';
import { readCheckpoint, writeCheckpoint } from '../src/checkpoint-files.js';
import type { ClassifierConfigInput } from '../src/classifier-config.js';
import { tf } from '../src/tfjs.js';
import { trainClassifier } from '../src/train-classifier.js';
import type { EpochMetrics, TrainingCheckpoint } from '../src/training-checkpoint.js';
import { storeModelWeights } from '../src/training-checkpoint.js';
import { syntheticTopics, tempDir, useBackend } from './helpers.js';

const MAX_LENGTH = 8;
const data = syntheticTopics({ n: 96, maxLength: MAX_LENGTH, seed: 3 });
const heldOut = syntheticTopics({ n: 48, maxLength: MAX_LENGTH, seed: 4 });
const tiny = (extra: Partial<ClassifierConfigInput> = {}): ClassifierConfigInput => ({
  cell: 'gru',
  vocabSize: data.vocabSize,
  embeddingDim: 8,
  hiddenUnits: 6,
  maxLength: MAX_LENGTH,
  ...extra,
});

/** History without wall-clock fields, which legitimately differ between runs. */
const timeless = (history: EpochMetrics[]) =>
  history.map(({ seconds: _s, samplesPerSecond: _r, ...rest }) => rest);

async function expectError(promise: Promise<unknown>, code: string, pattern: RegExp) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isNewscellError(error), String(error)).toBe(true);
  expect((error as { code: string }).code).toBe(code);
  expect((error as Error).message).toMatch(pattern);
}

beforeAll(async () => {
  await useBackend('wasm');
});

describe('trainClassifier', () => {
  it.each(['bow', 'rnn', 'gru', 'lstm'] as const)(
    'learns a separable synthetic task (%s)',
    async (cell) => {
      const big = syntheticTopics({ n: 256, maxLength: MAX_LENGTH, seed: 5 });
      const classifier = buildClassifier(tiny({ cell, hiddenUnits: 8, dropout: 0 }));
      const result = await trainClassifier({
        classifier,
        train: big,
        validation: heldOut,
        options: { epochs: 6, batchSize: 32, learningRate: 0.03, patience: 0 },
      });
      expect(result.stopReason).toBe('completed');
      expect(result.history).toHaveLength(6);
      const last = result.history.at(-1);
      expect(last?.validationAccuracy).toBeGreaterThan(0.85);
      expect(last?.loss).toBeLessThan(result.history[0]?.loss ?? 0);
      classifier.model.dispose();
    },
  );

  it('keeps the tensor count flat across batches and epochs and returns to weights only', async () => {
    const before = tf.memory().numTensors;
    const classifier = buildClassifier(
      tiny({ cell: 'lstm', dropout: 0.3, recurrentDropout: 0.2, layers: 2 }),
    );
    const weights = classifier.model.weights.length;
    expect(tf.memory().numTensors).toBe(before + weights);
    const counts: number[] = [];
    const result = await trainClassifier({
      classifier,
      train: data,
      validation: heldOut,
      options: { epochs: 3, batchSize: 16, progressThrottleMs: 0, patience: 0 },
      onBatchEnd: () => {
        counts.push(tf.memory().numTensors);
      },
    });
    expect(result.epochsCompleted).toBe(3);
    expect(counts).toHaveLength(18); // 6 batches × 3 epochs
    const n = 6;
    expect(counts[2 * n - 1]).toBe(counts[n - 1]);
    // From the first batch on (Adam's moments exist) nothing accumulates, validation included.
    expect(new Set(counts).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before + weights);
    classifier.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('writes each epoch checkpoint before announcing the epoch', async () => {
    const classifier = buildClassifier(tiny({ cell: 'bow' }));
    const events: string[] = [];
    await trainClassifier({
      classifier,
      train: data,
      options: { epochs: 2, batchSize: 32, patience: 0 },
      onCheckpoint: async (c) => {
        await new Promise((resolve) => setTimeout(resolve, 5)); // a slow disk
        events.push(`checkpoint ${c.epochsCompleted}`);
      },
      onEpochEnd: (e) => {
        events.push(`epoch ${e.epoch}`);
      },
    });
    expect(events).toEqual(['checkpoint 1', 'epoch 1', 'checkpoint 2', 'epoch 2']);
    classifier.model.dispose();
  });

  it('resumes from an epoch checkpoint to exactly the uninterrupted result', async () => {
    const config = tiny({ dropout: 0.25, bidirectional: true });
    const options = { epochs: 3, batchSize: 16, seed: 9, patience: 0 };
    const checkpoints: TrainingCheckpoint[] = [];
    const full = buildClassifier(config);
    const uninterrupted = await trainClassifier({
      classifier: full,
      train: data,
      validation: heldOut,
      options,
      onCheckpoint: (c) => {
        checkpoints.push(c);
      },
    });
    expect(checkpoints.map((c) => c.epochsCompleted)).toEqual([1, 2, 3]);

    // Through the disk format, as a worker restarting after a crash would.
    const { dir, cleanup } = await tempDir();
    await writeCheckpoint(path.join(dir, 'ckpt'), checkpoints[0] as TrainingCheckpoint);
    const fromDisk = await readCheckpoint(path.join(dir, 'ckpt'));
    await cleanup();
    expect(fromDisk).toEqual(checkpoints[0]);
    // A different initial seed proves the weights come from the checkpoint, not the build.
    const resumed = buildClassifier({ ...config, seed: 1234 });
    const afterResume = await trainClassifier({
      classifier: resumed,
      train: data,
      validation: heldOut,
      options,
      resumeFrom: fromDisk as TrainingCheckpoint,
    });
    expect(timeless(afterResume.history)).toEqual(timeless(uninterrupted.history));
    expect(afterResume.bestEpoch).toBe(uninterrupted.bestEpoch);
    const a = storeModelWeights(full.model);
    const b = storeModelWeights(resumed.model);
    expect(b.map((w) => Array.from(w.values))).toEqual(a.map((w) => Array.from(w.values)));
    full.model.dispose();
    resumed.model.dispose();
  });

  it('stops at the next batch when the signal aborts, without leaking', async () => {
    const before = tf.memory().numTensors;
    const classifier = buildClassifier(tiny({ dropout: 0.2 }));
    const controller = new AbortController();
    let batches = 0;
    const checkpoints: number[] = [];
    const result = await trainClassifier({
      classifier,
      train: data,
      options: { epochs: 5, batchSize: 16, progressThrottleMs: 0 },
      signal: controller.signal,
      onBatchEnd: (p) => {
        batches++;
        if (p.epoch === 2 && p.batch === 3) controller.abort();
      },
      onCheckpoint: (c) => {
        checkpoints.push(c.epochsCompleted);
      },
    });
    expect(result.stopReason).toBe('aborted');
    expect(batches).toBe(6 + 3);
    expect(result.epochsCompleted).toBe(1);
    // Epoch 1's end, then the stop point inside epoch 2.
    expect(checkpoints).toEqual([1, 1]);
    expect(result.lastCheckpoint?.epochsCompleted).toBe(1);
    expect(result.lastCheckpoint?.partialEpoch?.batchesDone).toBe(3);
    expect(tf.memory().numTensors).toBe(before + classifier.model.weights.length);
    classifier.model.dispose();
  });

  it('resumes a run stopped inside an epoch at the next batch, to exactly the uninterrupted result', async () => {
    const config = tiny({ dropout: 0.25 });
    const options = { epochs: 3, batchSize: 16, seed: 5, patience: 0, progressThrottleMs: 0 };
    const full = buildClassifier(config);
    const uninterrupted = await trainClassifier({
      classifier: full,
      train: data,
      validation: heldOut,
      options,
    });

    const controller = new AbortController();
    let stopped: TrainingCheckpoint | undefined;
    const first = buildClassifier(config);
    await trainClassifier({
      classifier: first,
      train: data,
      validation: heldOut,
      options,
      signal: controller.signal,
      onBatchEnd: (p) => {
        if (p.epoch === 2 && p.batch === 4) controller.abort();
      },
      onCheckpoint: (c) => {
        stopped = c;
      },
    });
    first.model.dispose();
    expect(stopped?.partialEpoch?.batchesDone).toBe(4);

    const { dir, cleanup } = await tempDir();
    await writeCheckpoint(path.join(dir, 'ckpt'), stopped as TrainingCheckpoint);
    const fromDisk = await readCheckpoint(path.join(dir, 'ckpt'));
    await cleanup();
    expect(fromDisk).toEqual(stopped);
    const resumed = buildClassifier({ ...config, seed: 77 });
    const batchesAfterResume: number[] = [];
    const afterResume = await trainClassifier({
      classifier: resumed,
      train: data,
      validation: heldOut,
      options,
      resumeFrom: fromDisk as TrainingCheckpoint,
      onBatchEnd: (p) => {
        if (p.epoch === 2) batchesAfterResume.push(p.batch);
      },
    });
    expect(batchesAfterResume).toEqual([5, 6]); // batches 1–4 of epoch 2 are not trained again
    expect(timeless(afterResume.history)).toEqual(timeless(uninterrupted.history));
    const a = storeModelWeights(full.model);
    const b = storeModelWeights(resumed.model);
    expect(b.map((w) => Array.from(w.values))).toEqual(a.map((w) => Array.from(w.values)));
    full.model.dispose();
    resumed.model.dispose();
  });

  it('makes no stop-point checkpoint when asked not to (a cancelled job)', async () => {
    const classifier = buildClassifier(tiny({ cell: 'bow' }));
    const controller = new AbortController();
    const checkpoints: number[] = [];
    await trainClassifier({
      classifier,
      train: data,
      options: { epochs: 3, batchSize: 16, progressThrottleMs: 0 },
      signal: controller.signal,
      checkpointOnAbort: false,
      onBatchEnd: (p) => {
        if (p.epoch === 2 && p.batch === 2) controller.abort();
      },
      onCheckpoint: (c) => {
        checkpoints.push(c.epochsCompleted);
      },
    });
    expect(checkpoints).toEqual([1]);
    classifier.model.dispose();
  });

  it('stops early on validation loss and restores the best weights', async () => {
    // Validation labels unrelated to the text: its loss gets worse as training fits the data.
    const noise = { ids: heldOut.ids, labels: heldOut.labels.map((l, i) => (l + 1 + (i % 3)) % 4) };
    const classifier = buildClassifier(tiny({ dropout: 0 }));
    let last: TrainingCheckpoint | undefined;
    const result = await trainClassifier({
      classifier,
      train: data,
      validation: noise,
      options: { epochs: 30, batchSize: 16, learningRate: 0.05, patience: 2 },
      onCheckpoint: (c) => {
        last = c;
      },
    });
    expect(result.stopReason).toBe('early-stopping');
    expect(result.epochsCompleted).toBeLessThan(30);
    expect(result.epochsCompleted).toBe((result.bestEpoch ?? 0) + 2);
    expect(result.restoredBestWeights).toBe(true);
    const best = last?.best?.weights.map((w) => Array.from(w.values));
    expect(storeModelWeights(classifier.model).map((w) => Array.from(w.values))).toEqual(best);
    expect(last?.weights.map((w) => Array.from(w.values))).not.toEqual(best);
    classifier.model.dispose();
  });

  it('throttles batch progress but always reports the last batch of each epoch', async () => {
    const classifier = buildClassifier(tiny({ cell: 'bow' }));
    const batches: { epoch: number; batch: number; eta: number }[] = [];
    const epochs: { epoch: number; eta: number; samplesPerSecond: number }[] = [];
    await trainClassifier({
      classifier,
      train: data,
      options: { epochs: 3, batchSize: 16, progressThrottleMs: 3_600_000 },
      onBatchEnd: (p) => {
        batches.push({ epoch: p.epoch, batch: p.batch, eta: p.etaSeconds });
        expect(p.batchesPerEpoch).toBe(6);
        expect(p.loss).toBeGreaterThan(0);
        expect(p.accuracy).toBeGreaterThanOrEqual(0);
      },
      onEpochEnd: (p) => {
        epochs.push({ epoch: p.epoch, eta: p.etaSeconds, samplesPerSecond: p.samplesPerSecond });
      },
    });
    // The first batch reports (nothing reported yet), then only epoch ends within the hour.
    expect(batches.map((b) => `${b.epoch}:${b.batch}`)).toEqual(['1:1', '1:6', '2:6', '3:6']);
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(epochs.at(-1)?.eta).toBe(0);
    expect(epochs[0]?.eta).toBeGreaterThan(0);
    expect(epochs.every((e) => e.samplesPerSecond > 0)).toBe(true);
    classifier.model.dispose();
  });

  it('rejects bad data, options and mismatched checkpoints with errors naming them', async () => {
    const classifier = buildClassifier(tiny({ cell: 'bow' }));
    const badLabel = Int32Array.from(data.labels);
    badLabel[7] = 4;
    await expectError(
      trainClassifier({ classifier, train: { ids: data.ids, labels: badLabel } }),
      'INVALID_ARGUMENT',
      /train labels: row 7: label 4 is not in 0..3/,
    );
    const badIds = Int32Array.from(data.ids);
    badIds[MAX_LENGTH * 2 + 1] = data.vocabSize;
    await expectError(
      trainClassifier({ classifier, train: { ids: badIds, labels: data.labels } }),
      'INVALID_ARGUMENT',
      /row 2, position 1: token id 40 is not in 0..39/,
    );
    await expectError(
      trainClassifier({ classifier, train: { ids: data.ids.subarray(3), labels: data.labels } }),
      'INVALID_ARGUMENT',
      /not a multiple of maxLength 8/,
    );
    await expectError(
      trainClassifier({ classifier, train: data, options: { batchSize: 0 } }),
      'INVALID_CONFIG',
      /\/batchSize: must be >= 1 \(got 0\)/,
    );
    let checkpoint: TrainingCheckpoint | undefined;
    await trainClassifier({
      classifier,
      train: data,
      options: { epochs: 1 },
      onCheckpoint: (c) => {
        checkpoint = c;
      },
    });
    await expectError(
      trainClassifier({
        classifier,
        train: data,
        options: { epochs: 2, learningRate: 0.5 },
        resumeFrom: checkpoint,
      }),
      'MODEL_MISMATCH',
      /options.learningRate is 0.002 but this run has 0.5/,
    );
    const other = buildClassifier(tiny({ cell: 'bow', embeddingDim: 4 }));
    await expectError(
      trainClassifier({
        classifier: other,
        train: data,
        options: { epochs: 2 },
        resumeFrom: checkpoint,
      }),
      'MODEL_MISMATCH',
      /config.embeddingDim is 8 but this run has 4/,
    );
    classifier.model.dispose();
    other.model.dispose();
  });
});
