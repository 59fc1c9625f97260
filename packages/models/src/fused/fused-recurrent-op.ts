import { NewscellError } from '@newscell/contracts';
import type { Tensor, Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import type { GateActivation } from '../activations.js';
import { tf } from '../tfjs.js';
import { heapView, uninitializedTensor, wasmBackend } from '../wasm-kernels/heap.js';
import type { CellSequence } from './cell-sequence.js';
import { releaseFloats } from './float-pool.js';
import { gruSequence } from './gru-sequence.js';
import { heapCells } from './heap-state.js';
import type { ProjectionRows } from './input-projection.js';
import { lstmSequence } from './lstm-sequence.js';
import { rnnSequence } from './rnn-sequence.js';
import { type SequenceLayout, sequenceLayout } from './sequence-layout.js';
import { StepMatMul } from './step-matmul.js';
import { TensorFloats } from './tensor-floats.js';

export type FusedCell = 'rnn' | 'lstm' | 'gru';

export interface FusedSequenceOptions {
  cell: FusedCell;
  /** `[batch, time]`, nonzero for real tokens; padding steps carry the state through unchanged. */
  mask?: Tensor | null;
  /** @defaultValue false */
  goBackwards?: boolean;
  /** `[batch, time, units]` (in processing order) instead of the last state `[batch, units]`. @defaultValue false */
  returnSequences?: boolean;
  /** LSTM/GRU gate nonlinearity. @defaultValue `'hardSigmoid'` (tfjs-layers' default) */
  recurrentActivation?: GateActivation;
  /**
   * Inference only (ignored while a gradient tape records): `x · kernel + bias` of token `id` is
   * row `id` of `table` (`[vocabulary, gates·units]`, see input-projection.ts), and `ids`
   * (`[batch·time]`) are the tokens `x` embeds. The product over `x` is then skipped.
   */
  projection?: { table: ProjectionRows; ids: Int32Array } | null;
}

// biome-ignore lint/suspicious/noExplicitAny: the three cells keep different saved state
const CELLS: Record<FusedCell, CellSequence<any>> = {
  rnn: rnnSequence,
  lstm: lstmSequence,
  gru: gruSequence,
};

/**
 * A whole recurrent layer over a sequence as one op: `x · kernel` for all steps in one matrix
 * product, then per step the recurrent product(s) and the gate arithmetic in one pass over plain
 * Float32Arrays; backpropagation through time written by hand (`tf.customGrad`), again with one
 * recurrent product per step and whole-sequence products for the weight gradients. Matches
 * tfjs-layers' `LSTM` / `GRU` / `SimpleRNN` (same weight layout, masking and `goBackwards`).
 *
 * @param x `[batch, time, features]` float32
 * @param kernel `[features, gates·units]`; `recurrentKernel` `[units, gates·units]`; `bias` `[gates·units]`
 */
export function fusedRecurrentSequence(
  x: Tensor3D,
  kernel: Tensor2D,
  recurrentKernel: Tensor2D,
  bias: Tensor1D,
  options: FusedSequenceOptions,
): Tensor {
  const cell = CELLS[options.cell];
  const [batch, time, features] = x.shape;
  const units = recurrentKernel.shape[0];
  const width = cell.gates * units;
  checkShapes(options.cell, x, kernel, recurrentKernel, bias, width);
  const layout = sequenceLayout(
    batch,
    time,
    units,
    options.goBackwards ?? false,
    readMask(options.mask ?? null, batch, time),
  );
  const { rows } = layout;
  /** `x` as `[rows, features]`: the real tokens only, in the layout's row order. */
  const realTokens = (xs: Tensor3D) =>
    tf.tidy(
      () =>
        tf.gather(
          tf.reshape(xs, [batch * time, features]),
          tf.tensor1d(layout.positions, 'int32'),
        ) as Tensor2D,
    );
  const activation = options.recurrentActivation ?? 'hardSigmoid';
  const returnSequences = options.returnSequences ?? false;

  const forward = (xs: Tensor3D, w: Tensor2D, u: Tensor2D, b: Tensor1D, save: boolean) => {
    // Inference with the first layer's vocabulary table: on wasm with the step kernels they read
    // each token's row from the table in the heap; otherwise the rows are copied out of it.
    const projection = save ? null : (options.projection ?? null);
    const rowIds = projection === null ? null : tableRows(projection, layout, width);
    const tableAt = projection?.table.heapOffset ?? null;
    const table =
      rowIds !== null && tableAt !== null && heapCells(layout) !== null
        ? { offset: tableAt, rowIds }
        : null;
    // A batch of nothing but padding multiplies nothing (and wasm rejects empty products).
    const product = () =>
      tf.tidy(() =>
        rows === 0 ? tf.zeros([0, width]) : tf.fused.matMul({ a: realTokens(xs), b: w, bias: b }),
      );
    const xw =
      table !== null
        ? null
        : projection !== null && rowIds !== null
          ? projectedRows(projection.table, rowIds, width)
          : product();
    const pieces = recurrentPieces(options.cell, u, units);
    const sequence = returnSequences ? new Float32Array(batch * time * units) : null;
    const recurrent = pieces.map((p) => new StepMatMul(p, false));
    try {
      const { last, saved } = cell.forward({
        layout,
        xw: xw === null ? null : new TensorFloats(xw),
        table,
        recurrent,
        activation,
        save,
        sequence,
      });
      const value =
        sequence === null
          ? tf.tensor2d(last, [batch, units])
          : tf.tensor3d(sequence, [batch, time, units]);
      return { value, saved };
    } finally {
      for (const m of recurrent) m.dispose();
      xw?.dispose();
      for (const p of pieces) if (p !== u) p.dispose();
    }
  };

  if (!tf.engine().isTapeOn()) return forward(x, kernel, recurrentKernel, bias, false).value;

  const op = tf.customGrad((xs, w, u, b, save) => {
    const { value, saved } = forward(
      xs as Tensor3D,
      w as Tensor2D,
      u as Tensor2D,
      b as Tensor1D,
      true,
    );
    // The inputs must be saved, not captured: the caller's tidy may dispose x (e.g. after
    // dropout) before the backward pass runs; saved tensors are kept alive by the tape. So must
    // activations a cell saved as tensors (wasm kernels): this forward runs inside a tidy.
    const savedTensors = tensorEntries(saved);
    (save as (tensors: Tensor[]) => void)([
      xs as Tensor,
      w as Tensor,
      u as Tensor,
      ...savedTensors.map(([, t]) => t),
    ]);
    const gradFunc = (dy: Tensor | Tensor[], kept: Tensor[]) => {
      const [xs3, w2, u2, ...keptSaved] = kept as [Tensor3D, Tensor2D, Tensor2D, ...Tensor[]];
      // The tape's clones of the saved tensors (the originals were disposed with the forward's tidy).
      for (const [i, [key]] of savedTensors.entries()) {
        (saved as Record<string, unknown>)[key] = keptSaved[i];
      }
      const dyValues = (Array.isArray(dy) ? (dy[0] as Tensor) : dy).dataSync() as Float32Array;
      const pieces = recurrentPieces(options.cell, u2, units);
      const recurrentT = pieces.map((p) => new StepMatMul(p, true));
      let grads: ReturnType<typeof cell.backward>;
      try {
        grads = cell.backward({
          layout,
          saved,
          recurrentT,
          activation,
          dLast: returnSequences ? null : dyValues,
          dSequence: returnSequences ? dyValues : null,
        });
      } finally {
        for (const m of recurrentT) m.dispose();
        for (const p of pieces) if (p !== u2) p.dispose();
      }
      if (rows === 0)
        return [tf.zerosLike(xs3), tf.zerosLike(w2), tf.zerosLike(u2), tf.zerosLike(b as Tensor)];
      // Explicit transposes: wasm's matMul with transposeA/B is far slower (see StepMatMul). The
      // weight gradients are computed transposed, `dPreᵀ · tokens`, so that the big matrix that
      // changes every batch is the left operand: XNNPACK repacks the right one on every call,
      // which for `[rows, gates·units]` cost more than the product.
      const result = tf.tidy(() => {
        const dPre = asTensor(grads.dPre, [rows, width]);
        const dPreT = tf.transpose(dPre);
        const tokens = realTokens(xs3);
        const dTokens = tf.matMul(dPre, tf.transpose(w2));
        const dx = tf.tensor3d(
          scatterRows(dTokens.dataSync() as Float32Array, layout.positions, batch * time, features),
          [batch, time, features],
        );
        const dw = tf.transpose(tf.matMul(dPreT, tokens));
        const du = tf.concat(
          grads.recurrentFactors.map((f) =>
            tf.transpose(
              tf.matMul(
                f.from === 0 && f.to === width
                  ? dPreT
                  : tf.slice(dPreT, [f.from, 0], [f.to - f.from, rows]),
                asTensor(f.left, [rows, units]),
              ),
            ),
          ),
          1,
        );
        // The bias gradient, column sums of dPre, as `dPreᵀ · 1`: one pass in the backend.
        const db = tf.reshape(tf.matMul(dPreT, tf.ones([rows, 1])), [width]);
        return [dx, dw, du, db];
      });
      // The arrays are done with once the gradients exist. Only on wasm, where making a tensor
      // copies into the heap: the cpu backend keeps the very array a tensor was made from.
      // (Saved tensors are the tape's to dispose.)
      if (grads.dPre instanceof tf.Tensor) grads.dPre.dispose();
      if (tf.getBackend() === 'wasm') {
        releaseFloats(
          [grads.dPre, ...Object.values(saved as object)].filter(
            (v): v is Float32Array => v instanceof Float32Array,
          ),
        );
      }
      return result;
    };
    return { value, gradFunc };
  });
  return op(x, kernel, recurrentKernel, bias);
}

/**
 * Each real token's row of the vocabulary table, in layout row order, or null (no rows, or an id
 * outside the table: cannot happen after the embedding's own lookup; the product path is then the
 * safe answer).
 */
function tableRows(
  projection: { table: ProjectionRows; ids: Int32Array },
  layout: SequenceLayout,
  width: number,
): Int32Array | null {
  if (layout.rows === 0) return null;
  const vocabulary = projection.table.values().length / width;
  const rowIds = new Int32Array(layout.rows);
  for (let r = 0; r < layout.rows; r++) {
    const id = projection.ids[layout.positions[r] as number] as number;
    if (!(id >= 0 && id < vocabulary)) return null;
    rowIds[r] = id;
  }
  return rowIds;
}

/**
 * The input projection of every real token copied row by row from the vocabulary table: on wasm
 * into an uninitialised heap tensor, elsewhere into a new one.
 */
function projectedRows(table: ProjectionRows, rowIds: Int32Array, width: number): Tensor2D {
  const rows = rowIds.length;
  const wasm = wasmBackend();
  const tensor = wasm === null ? null : uninitializedTensor(wasm, [rows, width]);
  // Views only now: allocating the tensor may have grown the heap.
  const values = table.values();
  const out =
    wasm === null || tensor === null
      ? new Float32Array(rows * width)
      : (heapView(wasm, tensor) as Float32Array);
  for (let r = 0; r < rows; r++) {
    const id = rowIds[r] as number;
    out.set(values.subarray(id * width, (id + 1) * width), r * width);
  }
  return (tensor ?? tf.tensor2d(out, [rows, width])) as Tensor2D;
}

/** The tensor-valued fields of a cell's saved state, in a fixed order. */
function tensorEntries(saved: unknown): [string, Tensor][] {
  if (saved === null || typeof saved !== 'object') return [];
  return Object.entries(saved).filter((e): e is [string, Tensor] => e[1] instanceof tf.Tensor);
}

function asTensor(values: Float32Array | Tensor2D, shape: [number, number]): Tensor2D {
  return values instanceof Float32Array ? tf.tensor2d(values, shape) : values;
}

/** Row `k` of `values` to row `positions[k]` of a zeroed `[total, width]` matrix. */
function scatterRows(
  values: Float32Array,
  positions: Int32Array,
  total: number,
  width: number,
): Float32Array {
  const out = new Float32Array(total * width);
  for (let k = 0; k < positions.length; k++) {
    out.set(values.subarray(k * width, (k + 1) * width), (positions[k] as number) * width);
  }
  return out;
}

/** The recurrent weight blocks one step multiplies by: GRU splits off the candidate's columns. */
function recurrentPieces(cell: FusedCell, u: Tensor2D, units: number): Tensor2D[] {
  if (cell !== 'gru') return [u];
  return [tf.slice(u, [0, 0], [units, 2 * units]), tf.slice(u, [0, 2 * units], [units, units])];
}

function readMask(mask: Tensor | null, batch: number, time: number): Uint8Array | null {
  if (mask === null) return null;
  if (mask.size !== batch * time) {
    throw new NewscellError(
      'INVALID_ARGUMENT',
      `fused recurrent layer: mask shape [${mask.shape}] does not match [batch, time] = [${batch}, ${time}]`,
      { details: { mask: mask.shape, batch, time } },
    );
  }
  const values = mask.dataSync();
  const active = new Uint8Array(batch * time);
  let all = true;
  for (let i = 0; i < active.length; i++) {
    const on = values[i] !== 0;
    active[i] = on ? 1 : 0;
    if (!on) all = false;
  }
  return all ? null : active;
}

function checkShapes(
  cell: FusedCell,
  x: Tensor,
  kernel: Tensor,
  recurrentKernel: Tensor,
  bias: Tensor,
  width: number,
): void {
  const units = recurrentKernel.shape[0];
  const problems: string[] = [];
  if (x.rank !== 3) problems.push(`x must be [batch, time, features], got [${x.shape}]`);
  if (kernel.shape[0] !== x.shape[2] || kernel.shape[1] !== width)
    problems.push(`kernel must be [${x.shape[2]}, ${width}], got [${kernel.shape}]`);
  if (recurrentKernel.shape[1] !== width)
    problems.push(`recurrentKernel must be [${units}, ${width}], got [${recurrentKernel.shape}]`);
  if (bias.shape[0] !== width) problems.push(`bias must be [${width}], got [${bias.shape}]`);
  if (problems.length > 0) {
    throw new NewscellError('INVALID_ARGUMENT', `fused ${cell} layer: ${problems.join('; ')}`, {
      details: { cell, problems },
    });
  }
}
