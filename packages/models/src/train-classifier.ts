import { NewscellError } from '@newscell/contracts';
import type { Optimizer, Scalar, Tensor, Variable } from '@tensorflow/tfjs-core';
import type { ClassifierModel } from './build-classifier.js';
import {
  type CheckedData,
  type ClassificationData,
  checkClassificationData,
  gatherRows,
} from './classification-data.js';
import { correctCount, crossEntropy } from './classification-loss.js';
import { releaseDropoutMasks } from './dropout-masks.js';
import { FusedAdamOptimizer } from './fused-adam.js';
import { clipByGlobalNorm } from './gradient-clipping.js';
import { type SeededRandom, withSeededMathRandom } from './seeded-random.js';
import { tf } from './tfjs.js';
import {
  type EpochMetrics,
  type PartialEpoch,
  restoreModelWeights,
  restoreOptimizerState,
  storeModelWeights,
  storeOptimizerState,
  type TrainingCheckpoint,
} from './training-checkpoint.js';
import { resolveTrainingOptions, type TrainingOptions } from './training-options.js';
import { type EpochTally, TrainingState } from './training-state.js';

/** Reported after a batch (throttled by `progressThrottleMs`). */
export interface BatchProgress {
  /** 1-based epoch and batch. */
  epoch: number;
  epochs: number;
  batch: number;
  batchesPerEpoch: number;
  /** Running means over the epoch so far. */
  loss: number;
  accuracy: number;
  samplesPerSecond: number;
  /** Seconds left if every remaining epoch runs (early stopping may end sooner). */
  etaSeconds: number;
}

export interface EpochProgress extends EpochMetrics {
  epochs: number;
  etaSeconds: number;
}

export interface TrainClassifierArgs {
  classifier: ClassifierModel;
  train: ClassificationData;
  /** Held-out rows for early stopping and best-weight restore; without it neither happens. */
  validation?: ClassificationData;
  options?: Partial<TrainingOptions>;
  onBatchEnd?: (progress: BatchProgress) => void | Promise<void>;
  onEpochEnd?: (progress: EpochProgress) => void | Promise<void>;
  /** Called at every epoch end, before `onEpochEnd`; awaited before training goes on. */
  onCheckpoint?: (checkpoint: TrainingCheckpoint) => void | Promise<void>;
  /** Aborting ends training cleanly before the next batch. */
  signal?: AbortSignal;
  /** Continue from this checkpoint (same config, options except `epochs`, and data sizes). */
  resumeFrom?: TrainingCheckpoint;
  /**
   * On a stop request inside an epoch, hand `onCheckpoint` a checkpoint of the batches finished
   * so far (`partialEpoch`), so a resumed run loses no work. Off for a stop whose work is thrown
   * away anyway (a cancelled job). @defaultValue true
   */
  checkpointOnAbort?: boolean;
}

export type StopReason = 'completed' | 'early-stopping' | 'aborted';

export interface TrainingResult {
  history: EpochMetrics[];
  epochsCompleted: number;
  stopReason: StopReason;
  bestEpoch: number | null;
  bestValidationLoss: number | null;
  /** True when the final weights are those of `bestEpoch`. */
  restoredBestWeights: boolean;
  trainingSeconds: number;
  samplesPerSecond: number;
  options: TrainingOptions;
  /** The last checkpoint (epoch end, or the stop point); null when none was made. */
  lastCheckpoint: TrainingCheckpoint | null;
}

/**
 * Trains with a custom loop rather than `model.fit`, because fit has no gradient clipping, no
 * seeded (hence resumable) shuffling or dropout, and no way to save or restore optimizer state
 * mid-run. Per batch: forward with dropout, cross-entropy, gradients, global-norm clipping, Adam;
 * all inside `tidy` so the tensor count stays flat. The optimizer is disposed at the end: its state
 * lives on only in the checkpoints.
 */
export async function trainClassifier(args: TrainClassifierArgs): Promise<TrainingResult> {
  const { classifier } = args;
  const options = resolveTrainingOptions(args.options ?? {});
  const train = checkClassificationData('train', args.train, classifier.config);
  const validation =
    args.validation === undefined
      ? undefined
      : checkClassificationData('validation', args.validation, classifier.config);
  const resume = args.resumeFrom;
  if (resume !== undefined) checkResumable(resume, classifier, options, train, validation);

  const optimizer = new FusedAdamOptimizer(options.learningRate);
  if (resume !== undefined) {
    restoreModelWeights(classifier.model, resume.weights);
    await restoreOptimizerState(optimizer, resume.optimizer);
  }
  const state =
    resume === undefined ? TrainingState.start(options.seed) : TrainingState.resume(resume);
  const run: TrainingRun = {
    args,
    classifier,
    options,
    train,
    validation,
    optimizer,
    variables: classifier.model.trainableWeights.map((w) => w.read() as Variable),
    batchesPerEpoch: Math.ceil(train.n / options.batchSize),
    start: performance.now(),
    batches: 0,
    lastReport: Number.NEGATIVE_INFINITY,
  };
  let stopReason: StopReason;
  try {
    stopReason = await trainEpochs(run, state);
  } finally {
    optimizer.dispose();
    releaseDropoutMasks(classifier.model);
  }

  const { best, history } = state;
  let restoredBestWeights = false;
  if (stopReason !== 'aborted' && options.restoreBestWeights && best !== null) {
    const lastEpoch = history[history.length - 1]?.epoch;
    if (best.epoch !== lastEpoch) restoreModelWeights(classifier.model, best.weights);
    restoredBestWeights = true;
  }
  const { trainingSeconds } = state;
  return {
    history,
    epochsCompleted: history.length,
    stopReason,
    bestEpoch: best?.epoch ?? null,
    bestValidationLoss: best?.validationLoss ?? null,
    restoredBestWeights,
    trainingSeconds,
    samplesPerSecond: trainingSeconds > 0 ? state.samplesSeen / trainingSeconds : 0,
    options,
    lastCheckpoint: state.lastCheckpoint,
  };
}

/** One call of `trainClassifier`: what it trains with, and this process's progress figures. */
interface TrainingRun {
  args: TrainClassifierArgs;
  classifier: ClassifierModel;
  options: TrainingOptions;
  train: CheckedData;
  validation: CheckedData | undefined;
  optimizer: Optimizer;
  variables: Variable[];
  batchesPerEpoch: number;
  /** When this run started, and its batches so far: the remaining time's estimate. */
  start: number;
  batches: number;
  /** When `onBatchEnd` was last called (throttled by `progressThrottleMs`). */
  lastReport: number;
}

/** Epochs until the epochs asked for are done, patience runs out, or a stop request. */
async function trainEpochs(run: TrainingRun, state: TrainingState): Promise<StopReason> {
  const { options, validation } = run;
  while (state.epochsCompleted < options.epochs) {
    // A resumed run whose checkpoint had already run out of patience.
    if (state.patienceExhausted(options, validation !== undefined)) return 'early-stopping';
    const epochStart = performance.now();
    const epoch = await trainEpoch(run, state);
    if (epoch === null) return 'aborted';
    await endEpoch(run, state, epoch, epochStart);
    if (state.patienceExhausted(options, validation !== undefined)) {
      return state.epochsCompleted < options.epochs ? 'early-stopping' : 'completed';
    }
  }
  return 'completed';
}

/**
 * The batches of epoch `state.epochsCompleted + 1` (the rest of it, when resuming inside it);
 * null when a stop request ended it, after checkpointing the batches done (`checkpointOnAbort`).
 */
async function trainEpoch(run: TrainingRun, state: TrainingState): Promise<EpochTally | null> {
  const { args, classifier, options, train, batchesPerEpoch } = run;
  const epoch = state.beginEpoch(train.n);
  for (let b = epoch.firstBatch; b < batchesPerEpoch; b++) {
    if (args.signal?.aborted) {
      if (b > epoch.firstBatch && args.onCheckpoint && (args.checkpointOnAbort ?? true)) {
        await args.onCheckpoint(await checkpoint(run, state, epoch.partial()));
      }
      return null;
    }
    const from = b * options.batchSize;
    const to = Math.min(train.n, from + options.batchSize);
    const batchStart = performance.now();
    const [batchLoss, batchCorrect] = trainStep(
      classifier,
      run.optimizer,
      run.variables,
      state.random,
      options,
      gatherRows(train.ids, train.labels, classifier.config.maxLength, epoch.order, from, to),
    );
    const ms = performance.now() - batchStart;
    epoch.addBatch(batchLoss, batchCorrect, to - from, ms);
    state.trainingMsThisRun += ms;
    state.samplesSeen += to - from;
    run.batches++;
    const now = performance.now();
    const lastOfEpoch = b === batchesPerEpoch - 1;
    if (args.onBatchEnd && (lastOfEpoch || now - run.lastReport >= options.progressThrottleMs)) {
      run.lastReport = now;
      await args.onBatchEnd({
        epoch: state.epochsCompleted + 1,
        epochs: options.epochs,
        batch: b + 1,
        batchesPerEpoch,
        loss: epoch.loss,
        accuracy: epoch.accuracy,
        samplesPerSecond: epoch.samplesPerSecond,
        etaSeconds: eta(
          now - run.start,
          run.batches,
          (options.epochs - state.epochsCompleted) * batchesPerEpoch - (b + 1),
        ),
      });
    }
    // Let timers and I/O (an abort request, a progress write) run between batches.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return epoch;
}

/** Validation and early stopping's bookkeeping, the epoch's checkpoint, then `onEpochEnd`. */
async function endEpoch(
  run: TrainingRun,
  state: TrainingState,
  epoch: EpochTally,
  epochStart: number,
): Promise<void> {
  const { args, classifier, options, validation, batchesPerEpoch } = run;
  const metrics: EpochMetrics = {
    epoch: state.epochsCompleted + 1,
    loss: epoch.loss,
    accuracy: epoch.accuracy,
    samplesPerSecond: epoch.samplesPerSecond,
    seconds: 0,
  };
  if (validation) {
    const v = evaluateLoss(classifier, validation, options.validationBatchSize);
    metrics.validationLoss = v.loss;
    metrics.validationAccuracy = v.accuracy;
    state.recordValidation(v.loss, options.minDelta, () => storeModelWeights(classifier.model));
  }
  metrics.seconds = (performance.now() - epochStart) / 1000;
  state.finishEpoch(metrics);
  // Made even without `onCheckpoint`: the result's `lastCheckpoint`. Durable first: whoever
  // hears "epoch done" can rely on the checkpoint being there.
  const made = await checkpoint(run, state);
  await args.onCheckpoint?.(made);
  await args.onEpochEnd?.({
    ...metrics,
    epochs: options.epochs,
    etaSeconds: eta(
      performance.now() - run.start,
      run.batches,
      (options.epochs - state.epochsCompleted) * batchesPerEpoch,
    ),
  });
}

/** The state as a checkpoint with the model's weights and the optimizer's state now. */
async function checkpoint(
  run: TrainingRun,
  state: TrainingState,
  partialEpoch?: PartialEpoch,
): Promise<TrainingCheckpoint> {
  return state.checkpoint(
    {
      config: run.classifier.config,
      options: run.options,
      trainSize: run.train.n,
      validationSize: run.validation?.n ?? 0,
      weights: storeModelWeights(run.classifier.model),
      optimizer: await storeOptimizerState(run.optimizer),
    },
    partialEpoch,
  );
}

function trainStep(
  classifier: ClassifierModel,
  optimizer: Optimizer,
  variables: Variable[],
  random: SeededRandom,
  options: TrainingOptions,
  batch: { ids: Int32Array; labels: Int32Array },
): [number, number] {
  const { model, config } = classifier;
  // Dropout masks draw from Math.random: seed them from the run's generator.
  return withSeededMathRandom(random, () => {
    let correct: Scalar | undefined;
    const loss = tf.tidy(() => {
      const x = tf.tensor2d(batch.ids, [batch.labels.length, config.maxLength], 'int32');
      const y = tf.tensor1d(batch.labels, 'int32');
      const { value, grads } = optimizer.computeGradients(() => {
        const probabilities = model.apply(x, { training: true }) as Tensor;
        correct = tf.keep(correctCount(probabilities, y));
        return crossEntropy(probabilities, y);
      }, variables);
      optimizer.applyGradients(clipByGlobalNorm(grads, options.clipNorm).grads);
      return value;
    });
    const lossValue = loss.dataSync()[0] as number;
    const correctValue = correct?.dataSync()[0] as number;
    loss.dispose();
    correct?.dispose();
    if (!Number.isFinite(lossValue)) {
      throw new NewscellError(
        'INTERNAL',
        `training diverged: batch loss is ${lossValue} (lower learningRate or set clipNorm)`,
        { details: { learningRate: options.learningRate, clipNorm: options.clipNorm } },
      );
    }
    return [lossValue, correctValue];
  });
}

/** Mean cross-entropy and accuracy of `data`, in batches, dropout off. */
export function evaluateLoss(
  classifier: ClassifierModel,
  data: CheckedData,
  batchSize: number,
): { loss: number; accuracy: number } {
  let lossSum = 0;
  let correct = 0;
  for (let from = 0; from < data.n; from += batchSize) {
    const to = Math.min(data.n, from + batchSize);
    const batch = gatherRows(data.ids, data.labels, classifier.config.maxLength, null, from, to);
    const [loss, right] = tf.tidy(() => {
      const x = tf.tensor2d(batch.ids, [to - from, classifier.config.maxLength], 'int32');
      const y = tf.tensor1d(batch.labels, 'int32');
      const probabilities = classifier.model.apply(x, { training: false }) as Tensor;
      return [crossEntropy(probabilities, y), correctCount(probabilities, y)];
    });
    lossSum += (loss.dataSync()[0] as number) * (to - from);
    correct += right.dataSync()[0] as number;
    tf.dispose([loss, right]);
  }
  return { loss: lossSum / data.n, accuracy: correct / data.n };
}

function eta(elapsedMs: number, batchesDone: number, batchesLeft: number): number {
  return batchesDone === 0 ? 0 : ((elapsedMs / batchesDone) * Math.max(0, batchesLeft)) / 1000;
}

function checkResumable(
  checkpoint: TrainingCheckpoint,
  classifier: ClassifierModel,
  options: TrainingOptions,
  train: CheckedData,
  validation: CheckedData | undefined,
): void {
  const mismatch = (field: string, saved: unknown, now: unknown) =>
    new NewscellError(
      'MODEL_MISMATCH',
      `cannot resume: checkpoint ${field} is ${JSON.stringify(saved)} but this run has ${JSON.stringify(now)}`,
      { details: { field, checkpoint: saved, current: now } },
    );
  if (checkpoint.formatVersion !== 1) throw mismatch('formatVersion', checkpoint.formatVersion, 1);
  for (const [key, value] of Object.entries(classifier.config)) {
    if (key === 'seed') continue; // only seeds the initial weights, which the checkpoint replaces
    const saved = (checkpoint.config as Record<string, unknown>)[key];
    if (saved !== value) throw mismatch(`config.${key}`, saved, value);
  }
  for (const [key, value] of Object.entries(options)) {
    // More epochs may be asked for; the progress throttle does not change the result.
    if (key === 'epochs' || key === 'progressThrottleMs') continue;
    const saved = (checkpoint.options as Record<string, unknown>)[key];
    if (saved !== value) throw mismatch(`options.${key}`, saved, value);
  }
  if (checkpoint.trainSize !== train.n) throw mismatch('trainSize', checkpoint.trainSize, train.n);
  const validationSize = validation?.n ?? 0;
  if (checkpoint.validationSize !== validationSize) {
    throw mismatch('validationSize', checkpoint.validationSize, validationSize);
  }
}
