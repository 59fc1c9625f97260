import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import { tf } from '../tfjs.js';

/**
 * Inference shortcut for the first recurrent layer, whose input is the embedding lookup: its
 * input projection `E[id] · W + b` is a row of `P = E · W + b`, a table over the vocabulary.
 * With the table, a batch's projection is a copy of the rows its tokens name instead of a matrix
 * product over every token (a third of the fused LSTM forward's products).
 *
 * The layer sees embedded vectors, not ids, so `predictProbabilities` hands the ids over for the
 * duration of one forward pass (`withTokenIds`). The table is plain memory (no tensor to leak
 * or dispose), made on first use and again whenever the embedding, kernel or bias tensor changes
 * (training replaces them), and only when it stays under `MAX_TABLE_BYTES`.
 */
export const MAX_TABLE_BYTES = 96 * 1024 * 1024;

let currentIds: Int32Array | null = null;
let currentShape: readonly [number, number] | null = null;

/** Runs `fn` (one forward pass over `ids`, `[batch, time]`) with the ids visible to the layers. */
export function withTokenIds<T>(ids: Int32Array, batch: number, time: number, fn: () => T): T {
  const previous = { ids: currentIds, shape: currentShape };
  currentIds = ids;
  currentShape = [batch, time];
  try {
    return fn();
  } finally {
    currentIds = previous.ids;
    currentShape = previous.shape;
  }
}

/** The ids of the forward pass running now, if they are `[batch, time]`. */
export function tokenIdsFor(batch: number, time: number): Int32Array | null {
  if (currentIds === null || currentShape === null) return null;
  return currentShape[0] === batch && currentShape[1] === time ? currentIds : null;
}

/** One layer direction's table `E · W + b` (`[vocabulary, width]`, row-major). */
export class ProjectionTable {
  private key: readonly object[] = [];
  private table: Float32Array | null = null;

  /** The table for these weights, or null when it would exceed `MAX_TABLE_BYTES`. */
  values(embedding: Tensor2D, kernel: Tensor2D, bias: Tensor1D): Float32Array | null {
    const [vocabulary, dim] = embedding.shape;
    const width = kernel.shape[1];
    if (kernel.shape[0] !== dim || vocabulary * width * 4 > MAX_TABLE_BYTES) return null;
    const key = [embedding, kernel, bias].map((t) => (t as Tensor).dataId as object);
    if (this.table === null || key.some((id, i) => id !== this.key[i])) {
      this.table = tf.tidy(
        () => tf.fused.matMul({ a: embedding, b: kernel, bias }).dataSync() as Float32Array,
      );
      this.key = key;
    }
    return this.table;
  }
}
