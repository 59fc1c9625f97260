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
import { SeededRandom, withSeededMathRandom } from './seeded-random.js';
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
  const { classifier, signal } = args;
  const { model, config } = classifier;
  const options = resolveTrainingOptions(args.options ?? {});
  const train = checkClassificationData('train', args.train, config);
  const validation =
    args.validation === undefined
      ? undefined
      : checkClassificationData('validation', args.validation, config);
  const resume = args.resumeFrom;
  if (resume !== undefined) checkResumable(resume, classifier, options, train, validation);

  const optimizer = new FusedAdamOptimizer(options.learningRate);
  const variables = model.trainableWeights.map((w) => w.read() as Variable);
  const batchesPerEpoch = Math.ceil(train.n / options.batchSize);
  let random = new SeededRandom(options.seed);
  let history: EpochMetrics[] = [];
  let best: TrainingCheckpoint['best'] = null;
  let epochsWithoutImprovement = 0;
  let priorSeconds = 0;
  let samplesSeen = 0;
  let startEpoch = 0;
  let lastCheckpoint: TrainingCheckpoint | null = null;
  if (resume !== undefined) {
    restoreModelWeights(model, resume.weights);
    await restoreOptimizerState(optimizer, resume.optimizer);
    random = new SeededRandom(resume.randomState);
    history = [...resume.history];
    best = resume.best;
    epochsWithoutImprovement = resume.epochsWithoutImprovement;
    priorSeconds = resume.trainingSeconds;
    samplesSeen = resume.samplesSeen;
    startEpoch = resume.epochsCompleted;
    lastCheckpoint = resume;
  }

  /** The whole training state now: at an epoch end, or inside an epoch with `partialEpoch`. */
  const checkpointNow = async (
    epochsCompleted: number,
    partialEpoch?: PartialEpoch,
  ): Promise<TrainingCheckpoint> => ({
    formatVersion: 1,
    epochsCompleted,
    config,
    options,
    trainSize: train.n,
    validationSize: validation?.n ?? 0,
    randomState: random.state(),
    weights: storeModelWeights(model),
    optimizer: await storeOptimizerState(optimizer),
    best,
    epochsWithoutImprovement,
    history: [...history],
    trainingSeconds: priorSeconds + trainingMsThisRun / 1000,
    samplesSeen,
    ...(partialEpoch === undefined ? {} : { partialEpoch }),
  });

  const patienceExhausted = () =>
    validation !== undefined &&
    options.patience > 0 &&
    epochsWithoutImprovement >= options.patience;
  let stopReason: StopReason = 'completed';
  const runStart = performance.now();
  let trainingMsThisRun = 0;
  let batchesThisRun = 0;
  let lastReport = Number.NEGATIVE_INFINITY;
  try {
    epochs: for (let epoch = startEpoch; epoch < options.epochs; epoch++) {
      if (patienceExhausted()) {
        stopReason = 'early-stopping'; // a resumed run whose checkpoint had already run out
        break;
      }
      const epochStart = performance.now();
      // A resumed half epoch redraws its shuffle from the state its epoch started with; the
      // generator itself goes on from where the stop left it (dropout masks included).
      const partial = epoch === startEpoch ? resume?.partialEpoch : undefined;
      const epochRandomState = partial?.epochRandomState ?? random.state();
      const order = (partial ? new SeededRandom(partial.epochRandomState) : random).permutation(
        train.n,
      );
      let lossSum = partial?.lossSum ?? 0;
      let correct = partial?.correct ?? 0;
      let seen = partial?.seen ?? 0;
      let epochTrainingMs = partial?.trainingMs ?? 0;
      const firstBatch = partial?.batchesDone ?? 0;
      for (let b = firstBatch; b < batchesPerEpoch; b++) {
        if (signal?.aborted) {
          stopReason = 'aborted';
          if (b > firstBatch && args.onCheckpoint && (args.checkpointOnAbort ?? true)) {
            lastCheckpoint = await checkpointNow(epoch, {
              batchesDone: b,
              epochRandomState,
              lossSum,
              correct,
              seen,
              trainingMs: epochTrainingMs,
            });
            await args.onCheckpoint(lastCheckpoint);
          }
          break epochs;
        }
        const from = b * options.batchSize;
        const to = Math.min(train.n, from + options.batchSize);
        const batchStart = performance.now();
        const [batchLoss, batchCorrect] = trainStep(
          classifier,
          optimizer,
          variables,
          random,
          options,
          gatherRows(train.ids, train.labels, config.maxLength, order, from, to),
        );
        const ms = performance.now() - batchStart;
        epochTrainingMs += ms;
        trainingMsThisRun += ms;
        batchesThisRun++;
        lossSum += batchLoss * (to - from);
        correct += batchCorrect;
        seen += to - from;
        samplesSeen += to - from;
        const now = performance.now();
        const lastOfEpoch = b === batchesPerEpoch - 1;
        if (args.onBatchEnd && (lastOfEpoch || now - lastReport >= options.progressThrottleMs)) {
          lastReport = now;
          await args.onBatchEnd({
            epoch: epoch + 1,
            epochs: options.epochs,
            batch: b + 1,
            batchesPerEpoch,
            loss: lossSum / seen,
            accuracy: correct / seen,
            samplesPerSecond: seen / (epochTrainingMs / 1000),
            etaSeconds: eta(
              now - runStart,
              batchesThisRun,
              (options.epochs - epoch) * batchesPerEpoch - (b + 1),
            ),
          });
        }
        // Let timers and I/O (an abort request, a progress write) run between batches.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }

      const metrics: EpochMetrics = {
        epoch: epoch + 1,
        loss: lossSum / seen,
        accuracy: correct / seen,
        samplesPerSecond: seen / (epochTrainingMs / 1000),
        seconds: 0,
      };
      if (validation) {
        const v = evaluateLoss(classifier, validation, options.validationBatchSize);
        metrics.validationLoss = v.loss;
        metrics.validationAccuracy = v.accuracy;
        if (best === null || v.loss < best.validationLoss - options.minDelta) {
          best = { epoch: epoch + 1, validationLoss: v.loss, weights: storeModelWeights(model) };
          epochsWithoutImprovement = 0;
        } else {
          epochsWithoutImprovement++;
        }
      }
      metrics.seconds = (performance.now() - epochStart) / 1000;
      history.push(metrics);
      lastCheckpoint = await checkpointNow(epoch + 1);
      // Durable first: whoever hears "epoch done" can rely on the checkpoint being there.
      await args.onCheckpoint?.(lastCheckpoint);
      await args.onEpochEnd?.({
        ...metrics,
        epochs: options.epochs,
        etaSeconds: eta(
          performance.now() - runStart,
          batchesThisRun,
          (options.epochs - epoch - 1) * batchesPerEpoch,
        ),
      });
      if (patienceExhausted()) {
        stopReason = epoch + 1 < options.epochs ? 'early-stopping' : 'completed';
        break;
      }
    }
  } finally {
    optimizer.dispose();
    releaseDropoutMasks(model);
  }

  let restoredBestWeights = false;
  if (stopReason !== 'aborted' && options.restoreBestWeights && best !== null) {
    const lastEpoch = history[history.length - 1]?.epoch;
    if (best.epoch !== lastEpoch) restoreModelWeights(model, best.weights);
    restoredBestWeights = true;
  }
  const trainingSeconds = priorSeconds + trainingMsThisRun / 1000;
  return {
    history,
    epochsCompleted: history.length,
    stopReason,
    bestEpoch: best?.epoch ?? null,
    bestValidationLoss: best?.validationLoss ?? null,
    restoredBestWeights,
    trainingSeconds,
    samplesPerSecond: trainingSeconds > 0 ? samplesSeen / trainingSeconds : 0,
    options,
    lastCheckpoint,
  };
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
