import type { ClassifierConfig } from './classifier-config.js';
import { type RandomState, SeededRandom } from './seeded-random.js';
import type {
  BestSoFar,
  EpochMetrics,
  PartialEpoch,
  StoredTensor,
  TrainingCheckpoint,
} from './training-checkpoint.js';
import type { TrainingOptions } from './training-options.js';

/** What a checkpoint holds besides the state: the run's settings and sizes, weights, optimizer. */
export interface CheckpointParts {
  config: ClassifierConfig;
  options: TrainingOptions;
  trainSize: number;
  validationSize: number;
  weights: StoredTensor[];
  optimizer: StoredTensor[];
}

/**
 * Everything a training run carries from epoch to epoch that a checkpoint saves, besides the
 * weights and the optimizer: the generator, the finished epochs, the best epoch so far, early
 * stopping's count and the totals. `trainClassifier` starts one fresh or from a checkpoint and
 * loops over epochs until `epochsCompleted` reaches the epochs asked for; `checkpoint()` is its
 * snapshot, so a run resumed from that checkpoint goes on exactly as this one would have.
 */
export class TrainingState {
  /** Epochs finished; also the 0-based index of the epoch being trained. */
  epochsCompleted: number;
  readonly random: SeededRandom;
  readonly history: EpochMetrics[];
  best: BestSoFar | null;
  epochsWithoutImprovement: number;
  samplesSeen: number;
  /** Training seconds of the runs before this one (across resumes). */
  readonly priorSeconds: number;
  /** Milliseconds this process has spent in training steps. */
  trainingMsThisRun = 0;
  /**
   * The epoch a stop request interrupted, to be finished first; taken by `beginEpoch`.
   * Undefined when training starts at an epoch boundary.
   */
  private interrupted: PartialEpoch | undefined;
  /** The last checkpoint made (or resumed from); null before the first epoch end. */
  lastCheckpoint: TrainingCheckpoint | null;

  private constructor(from: {
    epochsCompleted: number;
    random: SeededRandom;
    history: EpochMetrics[];
    best: BestSoFar | null;
    epochsWithoutImprovement: number;
    samplesSeen: number;
    priorSeconds: number;
    interrupted: PartialEpoch | undefined;
    lastCheckpoint: TrainingCheckpoint | null;
  }) {
    this.epochsCompleted = from.epochsCompleted;
    this.random = from.random;
    this.history = from.history;
    this.best = from.best;
    this.epochsWithoutImprovement = from.epochsWithoutImprovement;
    this.samplesSeen = from.samplesSeen;
    this.priorSeconds = from.priorSeconds;
    this.interrupted = from.interrupted;
    this.lastCheckpoint = from.lastCheckpoint;
  }

  /** Before the first epoch, the generator seeded with `seed`. */
  static start(seed: number): TrainingState {
    return new TrainingState({
      epochsCompleted: 0,
      random: new SeededRandom(seed),
      history: [],
      best: null,
      epochsWithoutImprovement: 0,
      samplesSeen: 0,
      priorSeconds: 0,
      interrupted: undefined,
      lastCheckpoint: null,
    });
  }

  /** Where `checkpoint` left off (its weights and optimizer are the caller's to restore). */
  static resume(checkpoint: TrainingCheckpoint): TrainingState {
    return new TrainingState({
      epochsCompleted: checkpoint.epochsCompleted,
      random: new SeededRandom(checkpoint.randomState),
      history: [...checkpoint.history],
      best: checkpoint.best,
      epochsWithoutImprovement: checkpoint.epochsWithoutImprovement,
      samplesSeen: checkpoint.samplesSeen,
      priorSeconds: checkpoint.trainingSeconds,
      interrupted: checkpoint.partialEpoch,
      lastCheckpoint: checkpoint,
    });
  }

  /** Training seconds across resumes, this run's included. */
  get trainingSeconds(): number {
    return this.priorSeconds + this.trainingMsThisRun / 1000;
  }

  /** Early stopping's patience is used up (never without validation data or with patience 0). */
  patienceExhausted(options: TrainingOptions, validating: boolean): boolean {
    return validating && options.patience > 0 && this.epochsWithoutImprovement >= options.patience;
  }

  /**
   * The running totals of epoch `epochsCompleted + 1` and its shuffle of `trainSize` rows: the
   * interrupted epoch's, redrawn from the generator state it started with (the generator itself
   * goes on from where the stop left it, dropout masks included), or a new epoch's, drawn now.
   */
  beginEpoch(trainSize: number): EpochTally {
    const partial = this.interrupted;
    this.interrupted = undefined;
    const epochRandomState = partial?.epochRandomState ?? this.random.state();
    const order = (partial ? new SeededRandom(partial.epochRandomState) : this.random).permutation(
      trainSize,
    );
    return new EpochTally(epochRandomState, order, partial);
  }

  /**
   * A finished epoch's validation loss: the best so far when it beats the best by more than
   * `minDelta` (then `weights()` is stored with it), otherwise one more epoch without improvement.
   */
  recordValidation(validationLoss: number, minDelta: number, weights: () => StoredTensor[]): void {
    if (this.best === null || validationLoss < this.best.validationLoss - minDelta) {
      this.best = { epoch: this.epochsCompleted + 1, validationLoss, weights: weights() };
      this.epochsWithoutImprovement = 0;
    } else {
      this.epochsWithoutImprovement++;
    }
  }

  /** Closes the epoch being trained with its metrics. */
  finishEpoch(metrics: EpochMetrics): void {
    this.history.push(metrics);
    this.epochsCompleted++;
  }

  /**
   * The whole state as a checkpoint, at an epoch end or, with `partialEpoch`, inside the epoch
   * being trained; remembered as `lastCheckpoint`.
   */
  checkpoint(parts: CheckpointParts, partialEpoch?: PartialEpoch): TrainingCheckpoint {
    this.lastCheckpoint = {
      formatVersion: 1,
      epochsCompleted: this.epochsCompleted,
      config: parts.config,
      options: parts.options,
      trainSize: parts.trainSize,
      validationSize: parts.validationSize,
      randomState: this.random.state(),
      weights: parts.weights,
      optimizer: parts.optimizer,
      best: this.best,
      epochsWithoutImprovement: this.epochsWithoutImprovement,
      history: [...this.history],
      trainingSeconds: this.trainingSeconds,
      samplesSeen: this.samplesSeen,
      ...(partialEpoch === undefined ? {} : { partialEpoch }),
    };
    return this.lastCheckpoint;
  }
}

/** One epoch's shuffle and running totals; what a stop inside it saves as `partialEpoch`. */
export class EpochTally {
  readonly epochRandomState: RandomState;
  /** The epoch's order of the training rows. */
  readonly order: ReturnType<SeededRandom['permutation']>;
  /** Batches finished (in this run or, for a resumed epoch, before it). */
  batchesDone: number;
  /** The first batch this run trains (0, or where an interrupted epoch resumes). */
  readonly firstBatch: number;
  lossSum: number;
  correct: number;
  seen: number;
  trainingMs: number;

  constructor(
    epochRandomState: RandomState,
    order: ReturnType<SeededRandom['permutation']>,
    partial?: PartialEpoch,
  ) {
    this.epochRandomState = epochRandomState;
    this.order = order;
    this.batchesDone = partial?.batchesDone ?? 0;
    this.firstBatch = this.batchesDone;
    this.lossSum = partial?.lossSum ?? 0;
    this.correct = partial?.correct ?? 0;
    this.seen = partial?.seen ?? 0;
    this.trainingMs = partial?.trainingMs ?? 0;
  }

  /** Adds a finished batch of `size` rows with mean loss `loss`, `correct` right, in `ms`. */
  addBatch(loss: number, correct: number, size: number, ms: number): void {
    this.batchesDone++;
    this.lossSum += loss * size;
    this.correct += correct;
    this.seen += size;
    this.trainingMs += ms;
  }

  get loss(): number {
    return this.lossSum / this.seen;
  }

  get accuracy(): number {
    return this.correct / this.seen;
  }

  get samplesPerSecond(): number {
    return this.seen / (this.trainingMs / 1000);
  }

  /** The epoch so far, for a checkpoint made inside it. */
  partial(): PartialEpoch {
    return {
      batchesDone: this.batchesDone,
      epochRandomState: this.epochRandomState,
      lossSum: this.lossSum,
      correct: this.correct,
      seen: this.seen,
      trainingMs: this.trainingMs,
    };
  }
}
