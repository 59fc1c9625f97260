import { describe, expect, it } from 'vitest';
import { resolveClassifierConfig } from '../src/classifier-config.js';
import { SeededRandom } from '../src/seeded-random.js';
import type { StoredTensor } from '../src/training-checkpoint.js';
import { resolveTrainingOptions } from '../src/training-options.js';
import { type CheckpointParts, TrainingState } from '../src/training-state.js';

const weights = (value: number): StoredTensor[] => [
  { name: 'w', shape: [2], dtype: 'float32', values: Float32Array.of(value, -value) },
];
const parts = (value: number): CheckpointParts => ({
  config: resolveClassifierConfig({ cell: 'gru', vocabSize: 40, maxLength: 8 }),
  options: resolveTrainingOptions({ epochs: 5, patience: 2, minDelta: 0.1 }),
  trainSize: 10,
  validationSize: 4,
  weights: weights(value),
  optimizer: [],
});

/** One epoch of `size` rows in batches of 3, each batch's loss `loss`, 1 ms each. */
function trainEpoch(state: TrainingState, size: number, loss: number, stopAfter = Infinity) {
  const epoch = state.beginEpoch(size);
  for (let b = epoch.firstBatch; b * 3 < size && b < stopAfter; b++) {
    const rows = Math.min(3, size - b * 3);
    state.random.next(); // what dropout draws
    epoch.addBatch(loss, 1, rows, 1);
    state.trainingMsThisRun += 1;
    state.samplesSeen += rows;
  }
  return epoch;
}

describe('TrainingState', () => {
  it('draws each epoch’s shuffle from its generator, so two states of one seed agree', () => {
    const [a, b] = [TrainingState.start(7), TrainingState.start(7)];
    const first = a.beginEpoch(10);
    expect(b.beginEpoch(10).order).toEqual(first.order);
    expect([...first.order].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(a.beginEpoch(10).order).not.toEqual(first.order);
    expect(first.epochRandomState).toEqual(new SeededRandom(7).state());
  });

  it('resumes an interrupted epoch at its next batch with the same shuffle and totals, once', () => {
    const state = TrainingState.start(3);
    const stopped = trainEpoch(state, 10, 0.5, 2);
    const checkpoint = state.checkpoint(parts(1), stopped.partial());
    expect(checkpoint.epochsCompleted).toBe(0);
    expect(checkpoint.partialEpoch).toMatchObject({ batchesDone: 2, seen: 6, lossSum: 3 });

    const resumed = TrainingState.resume(checkpoint);
    const epoch = resumed.beginEpoch(10);
    expect(epoch.firstBatch).toBe(2);
    expect(epoch.order).toEqual(stopped.order);
    // A second stop in this epoch must again save the state the epoch started with.
    expect(epoch.epochRandomState).toEqual(stopped.epochRandomState);
    expect([epoch.seen, epoch.lossSum, epoch.trainingMs]).toEqual([6, 3, 2]);
    // The generator goes on from the stop (dropout draws included), not from the epoch start.
    expect(resumed.random.state()).toEqual(state.random.state());
    // The interrupted epoch is finished once; the next one is new.
    expect(resumed.beginEpoch(10).firstBatch).toBe(0);
  });

  it('checkpoints what resume restores: a resumed state checkpoints the same again', () => {
    const state = TrainingState.start(11);
    const options = parts(0).options;
    for (const [loss, validationLoss] of [
      [1, 0.9],
      [0.5, 0.85],
    ] as const) {
      const epoch = trainEpoch(state, 10, loss);
      state.recordValidation(validationLoss, options.minDelta, () => weights(validationLoss));
      state.finishEpoch({
        epoch: state.epochsCompleted + 1,
        loss: epoch.loss,
        accuracy: epoch.accuracy,
        samplesPerSecond: epoch.samplesPerSecond,
        seconds: 1,
      });
    }
    const checkpoint = state.checkpoint(parts(2));
    expect(state.lastCheckpoint).toBe(checkpoint);
    expect(checkpoint).toMatchObject({
      epochsCompleted: 2,
      samplesSeen: 20,
      trainingSeconds: 0.008,
      epochsWithoutImprovement: 1, // 0.85 is not 0.1 below 0.9
      best: { epoch: 1, validationLoss: 0.9, weights: weights(0.9) },
    });
    expect(checkpoint.history.map((m) => m.loss)).toEqual([1, 0.5]);
    expect(checkpoint).not.toHaveProperty('partialEpoch');

    const resumed = TrainingState.resume(checkpoint);
    expect(resumed.lastCheckpoint).toBe(checkpoint);
    expect(resumed.trainingSeconds).toBe(0.008);
    expect(resumed.checkpoint(parts(2))).toEqual(checkpoint);
    // The history is the state's own: a new epoch does not reach into the checkpoint.
    resumed.finishEpoch({ epoch: 3, loss: 0.7, accuracy: 1, samplesPerSecond: 1, seconds: 1 });
    expect(checkpoint.history).toHaveLength(2);
  });

  it('counts epochs without improvement beyond minDelta; patience only with validation data', () => {
    const state = TrainingState.start(1);
    const options = resolveTrainingOptions({ patience: 2, minDelta: 0.1 });
    let stored = 0;
    const store = () => {
      stored++;
      return weights(stored);
    };
    state.recordValidation(1, options.minDelta, store);
    state.recordValidation(0.95, options.minDelta, store);
    expect([state.best?.epoch, state.epochsWithoutImprovement, stored]).toEqual([1, 1, 1]);
    expect(state.patienceExhausted(options, true)).toBe(false);
    state.recordValidation(0.99, options.minDelta, store);
    expect(state.patienceExhausted(options, true)).toBe(true);
    expect(state.patienceExhausted(options, false)).toBe(false);
    expect(state.patienceExhausted({ ...options, patience: 0 }, true)).toBe(false);
    state.recordValidation(0.5, options.minDelta, store);
    expect([state.best?.validationLoss, state.epochsWithoutImprovement, stored]).toEqual([
      0.5, 0, 2,
    ]);
  });
});
