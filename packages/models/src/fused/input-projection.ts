import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import { tf } from '../tfjs.js';
import { heapFloats, heapView, wasmBackend } from '../wasm-kernels/heap.js';

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
 * (training replaces them), and only when it stays under `MAX_TABLE_BYTES`. On wasm it sits in
 * the heap, where the step kernels read a token's row by its id (no copy of the batch's rows).
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
): { table: ProjectionRows; ids: Int32Array } | null {
  if (current === null || current.batch !== batch || current.time !== time) return null;
  const source = current.sources.get(layer);
  if (source === undefined) return null;
  const table = source.table.values(source.embedding.read() as Tensor2D, kernel, bias);
  return table === null ? null : { table, ids: current.ids };
}

/** A table's rows: plain memory, or on wasm a block of the heap the step kernels read in place. */
export interface ProjectionRows {
  /** `[vocabulary, width]` row-major (on wasm a fresh view each call: the heap may have grown). */
  values(): Float32Array;
  /** Where the values start in the wasm heap, or null for plain memory. */
  heapOffset: number | null;
}

/** Frees a heap table whose `ProjectionTable` was collected without a rebuild. */
const heapBlocks = new FinalizationRegistry<() => void>((free) => free());

/** One layer direction's table `E · W + b` (`[vocabulary, width]`, row-major). */
export class ProjectionTable {
  private key: readonly object[] = [];
  private rows: ProjectionRows | null = null;
  private free: (() => void) | null = null;

  /** The table for these weights, or null when it would exceed `MAX_TABLE_BYTES`. */
  values(embedding: Tensor2D, kernel: Tensor2D, bias: Tensor1D): ProjectionRows | null {
    const [vocabulary, dim] = embedding.shape;
    const width = kernel.shape[1];
    if (kernel.shape[0] !== dim || vocabulary * width * 4 > MAX_TABLE_BYTES) return null;
    // The backend is part of the key: tensors keep their data ids when moved between backends.
    const key = [
      tf.backend(),
      ...[embedding, kernel, bias].map((t) => (t as Tensor).dataId as object),
    ];
    if (this.rows === null || key.some((id, i) => id !== this.key[i])) {
      this.release();
      // Read outside `tidy`: tidy walks whatever its function returns looking for tensors, and
      // walking a ten-million-element array took seconds and over a gigabyte.
      const product = tf.fused.matMul({ a: embedding, b: kernel, bias });
      const wasm = wasmBackend();
      this.rows = wasm === null ? plainRows(product) : this.heapRows(wasm, product);
      product.dispose();
      this.key = key;
    }
    return this.rows;
  }

  /** The rows made last (for tests), or null. */
  current(): ProjectionRows | null {
    return this.rows;
  }

  /**
   * On wasm the table lives in a block of the heap outside tfjs's tensors (so the tensor count
   * stays flat), freed when the table is rebuilt or, with its model, collected.
   */
  private heapRows(wasm: BackendWasm, product: Tensor): ProjectionRows {
    const block = heapFloats(wasm, product.size);
    block.values().set(heapView(wasm, product) as Float32Array);
    this.free = block.free;
    heapBlocks.register(this, block.free, this);
    return { values: block.values, heapOffset: block.pointer };
  }

  /** Frees the table now (a later `values` makes it again). */
  dispose(): void {
    this.release();
    this.rows = null;
    this.key = [];
  }

  private release(): void {
    if (this.free === null) return;
    heapBlocks.unregister(this);
    this.free();
    this.free = null;
  }
}

function plainRows(product: Tensor): ProjectionRows {
  const values = product.dataSync() as Float32Array;
  return { values: () => values, heapOffset: null };
}
