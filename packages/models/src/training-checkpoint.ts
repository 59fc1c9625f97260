import { NewscellError } from '@newscell/contracts';
import type { Optimizer, Tensor } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { ClassifierConfig } from './classifier-config.js';
import type { RandomState } from './seeded-random.js';
import { tf } from './tfjs.js';
import type { TrainingOptions } from './training-options.js';

/** A tensor's values copied off the backend, so a checkpoint outlives every tensor. */
export interface StoredTensor {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  values: Float32Array | Int32Array;
}

/** One finished epoch. */
export interface EpochMetrics {
  /** 1-based. */
  epoch: number;
  loss: number;
  accuracy: number;
  validationLoss?: number;
  validationAccuracy?: number;
  /** Training samples per second in this epoch (validation excluded). */
  samplesPerSecond: number;
  /** Wall time of the epoch including validation. */
  seconds: number;
}

/** The best validation epoch so far, with its weights (for restore at the end). */
export interface BestSoFar {
  epoch: number;
  validationLoss: number;
  weights: StoredTensor[];
}

/**
 * An epoch stopped part-way (a stop request between two batches): enough to continue it at the
 * next batch with the same shuffle and the same running figures.
 */
export interface PartialEpoch {
  /** Batches of epoch `epochsCompleted + 1` already trained. */
  batchesDone: number;
  /** Generator state at the start of that epoch, which redraws its shuffle. */
  epochRandomState: RandomState;
  lossSum: number;
  correct: number;
  seen: number;
  /** Milliseconds spent training this epoch's finished batches. */
  trainingMs: number;
}

/**
 * Everything needed to continue training after a crash exactly as if it had not happened. Made at
 * every epoch end and handed to `onCheckpoint`; `writeCheckpoint` / `readCheckpoint` store it.
 */
export interface TrainingCheckpoint {
  formatVersion: 1;
  epochsCompleted: number;
  config: ClassifierConfig;
  options: TrainingOptions;
  trainSize: number;
  validationSize: number;
  randomState: RandomState;
  weights: StoredTensor[];
  /** Adam's iteration count and moments, as `Optimizer.getWeights()` lists them. */
  optimizer: StoredTensor[];
  best: BestSoFar | null;
  /** Epochs since the last improvement (early stopping counter). */
  epochsWithoutImprovement: number;
  history: EpochMetrics[];
  /** Training seconds spent before this checkpoint (across resumes). */
  trainingSeconds: number;
  /** Training samples processed before this checkpoint (across resumes). */
  samplesSeen: number;
  /**
   * Present when training was stopped inside an epoch (`epochsCompleted + 1`): the weights,
   * optimizer and generator are those after its last finished batch.
   */
  partialEpoch?: PartialEpoch;
  /**
   * The caller's own record of what the run was built from (the pipeline keeps the vocabulary and
   * hashes of the spec and data here, so a resume rebuilds none of it). Stored as JSON in
   * `checkpoint.json` and handed back as read; never looked at by training.
   */
  inputs?: unknown;
}

export function storeTensor(name: string, tensor: Tensor): StoredTensor {
  const dtype = tensor.dtype === 'int32' ? 'int32' : 'float32';
  const values =
    dtype === 'int32' ? Int32Array.from(tensor.dataSync()) : Float32Array.from(tensor.dataSync());
  return { name, shape: [...tensor.shape], dtype, values };
}

/** Copies every weight of `model`, in `model.weights` order. */
export function storeModelWeights(model: LayersModel): StoredTensor[] {
  return model.weights.map((w) => storeTensor(w.originalName, w.read()));
}

/** Writes stored weights back into `model`; shapes must match position by position. */
export function restoreModelWeights(model: LayersModel, stored: readonly StoredTensor[]): void {
  const weights = model.weights;
  if (weights.length !== stored.length) {
    throw new NewscellError(
      'MODEL_MISMATCH',
      `checkpoint has ${stored.length} weight tensors but the model has ${weights.length}`,
      { details: { expected: weights.length, found: stored.length } },
    );
  }
  const tensors = stored.map((s, i) => {
    const target = weights[i];
    if (target === undefined || target.shape.join('x') !== s.shape.join('x')) {
      throw new NewscellError(
        'MODEL_MISMATCH',
        `checkpoint weight ${i} '${s.name}' has shape [${s.shape}] but the model's '${target?.originalName}' has [${target?.shape}]`,
        { details: { index: i, name: s.name } },
      );
    }
    return tf.tensor(s.values, s.shape, s.dtype);
  });
  try {
    model.setWeights(tensors);
  } finally {
    tf.dispose(tensors);
  }
}

/** Copies the optimizer's state (its variables stay untouched). */
export async function storeOptimizerState(optimizer: Optimizer): Promise<StoredTensor[]> {
  const named = await optimizer.getWeights();
  const stored = named.map((n) => storeTensor(n.name, n.tensor));
  // getWeights returns the live moment variables plus one fresh iteration-count scalar.
  const iterations = named[0];
  if (iterations !== undefined) iterations.tensor.dispose();
  return stored;
}

export async function restoreOptimizerState(
  optimizer: Optimizer,
  stored: readonly StoredTensor[],
): Promise<void> {
  if (stored.length === 0) return;
  const named: { name: string; tensor: Tensor }[] = stored.map((s) => ({
    name: s.name,
    tensor: tf.tensor(s.values, s.shape, s.dtype),
  }));
  try {
    await optimizer.setWeights(named);
  } finally {
    // setWeights wraps each tensor in a new variable that shares its data; ours can go.
    tf.dispose(named.map((n) => n.tensor));
  }
}
