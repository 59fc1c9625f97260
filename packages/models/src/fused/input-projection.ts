import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import { tf } from '../tfjs.js';

/**
 * Inference shortcut for the first recurrent layer, whose input is the embedding lookup: its
 * input projection `E[id] · W + b` is a row of `P = E · W + b`, a table over the vocabulary.
 * With the table, a batch's projection is a copy of the rows its tokens name instead of a matrix
 * product over every token (a third of the fused LSTM forward's products).
 *
 * The layer sees embedded vectors, not ids, so `predictProbabilities` hands the ids over for the
 * duration of one forward pass (`withProjections`), together with the tables, which it keeps per
 * model: tfjs-layers' execution cache holds on to the layers of up to a hundred models after
 * they are disposed, so nothing large may hang off a layer. The table is plain memory (no tensor
 * to leak), made on first use and again whenever the embedding, kernel or bias tensor changes
 * (training replaces them), and only when it stays under `MAX_TABLE_BYTES`.
 */
export const MAX_TABLE_BYTES = 96 * 1024 * 1024;

/** What one wired layer direction reads its table from. */
export interface ProjectionSource {
  /** The embedding table (`[vocabulary, dim]`) whose lookup is the layer's input. */
  embedding: { read(): Tensor };
  table: ProjectionTable;
}

interface ProjectionContext {
  ids: Int32Array;
  batch: number;
  time: number;
  sources: ReadonlyMap<object, ProjectionSource>;
}

let current: ProjectionContext | null = null;

/**
 * Runs `fn` (one forward pass over `ids`, `[batch, time]`) with the ids and the model's wired
 * layers (`sources`, keyed by layer) visible to `projectionFor`.
 */
export function withProjections<T>(context: ProjectionContext, fn: () => T): T {
  const previous = current;
  current = context;
  try {
    return fn();
  } finally {
    current = previous;
  }
}

/** The table and ids for `layer`'s input in the forward pass running now, if it has them. */
export function projectionFor(
  layer: object,
  batch: number,
  time: number,
  kernel: Tensor2D,
  bias: Tensor1D,
): { table: Float32Array; ids: Int32Array } | null {
  if (current === null || current.batch !== batch || current.time !== time) return null;
  const source = current.sources.get(layer);
  if (source === undefined) return null;
  const table = source.table.values(source.embedding.read() as Tensor2D, kernel, bias);
  return table === null ? null : { table, ids: current.ids };
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
      // Read outside `tidy`: tidy walks whatever its function returns looking for tensors, and
      // walking a ten-million-element array took seconds and over a gigabyte.
      const product = tf.fused.matMul({ a: embedding, b: kernel, bias });
      this.table = product.dataSync() as Float32Array;
      product.dispose();
      this.key = key;
    }
    return this.table;
  }
}
