import type { Tensor2D } from '@tensorflow/tfjs-core';
import type { GateActivation } from '../activations.js';
import type { SequenceLayout } from './sequence-layout.js';
import type { StepMatMul } from './step-matmul.js';
import type { TensorFloats } from './tensor-floats.js';

/** What every cell's forward pass gets. */
export interface CellForwardArgs {
  layout: SequenceLayout;
  /**
   * `[rows, gates·units]`: `x · kernel + bias` for every real token at once. Read it through
   * `get()` again after every recurrent product (see `TensorFloats`).
   */
  xw: Pick<TensorFloats, 'get' | 'heapOffset'> | null;
  /**
   * Instead of `xw` (inference on wasm with the step kernels only): the first layer's vocabulary
   * table in the heap (`offset`, rows of `gates·units`) and each real token's row of it, in row
   * order (see input-projection.ts).
   */
  table: { offset: number; rowIds: Int32Array } | null;
  /** Recurrent products of the cell (LSTM/RNN: `h · U`; GRU: `h · U_zr`, then `(r⊙h) · U_h`). */
  recurrent: readonly StepMatMul[];
  activation: GateActivation;
  /** Keep what the backward pass needs (off for inference). */
  save: boolean;
  /** `[batch, time, units]` to fill in processing order, or null for the last state only. */
  sequence: Float32Array | null;
}

export interface CellBackwardArgs<Saved> {
  layout: SequenceLayout;
  saved: Saved;
  /** Same order as the forward pass's `recurrent`, multiplying by the transposed weights. */
  recurrentT: readonly StepMatMul[];
  activation: GateActivation;
  /** Gradient of the last state `[batch, units]`, or of the sequence `[batch, time, units]`. */
  dLast: Float32Array | null;
  dSequence: Float32Array | null;
}

/**
 * The backward pass's result: the gradient of the gate pre-activations of every step, rows as
 * in `xw`, from which `dx`, `dKernel` and `dBias` follow as whole-sequence products; and for
 * `dRecurrentKernel`, which left factor (`[batch·time, units]`) multiplies which columns of it.
 */
export interface CellGradients {
  /** A plain array, or (the wasm kernels' path) a heap tensor `[rows, gates·units]`. */
  dPre: Float32Array | Tensor2D;
  recurrentFactors: { left: Float32Array | Tensor2D; from: number; to: number }[];
}

export interface CellSequence<Saved> {
  gates: number;
  forward(args: CellForwardArgs): { last: Float32Array; saved: Saved | null };
  backward(args: CellBackwardArgs<Saved>): CellGradients;
}

/** Adds the sequence-output gradient of step `s` into `dh` (`[batch, units]`). */
export function addSequenceGradient(
  dh: Float32Array,
  dSequence: Float32Array | null,
  layout: SequenceLayout,
  s: number,
): void {
  if (dSequence === null) return;
  const { batch, time, units } = layout;
  for (let b = 0; b < batch; b++) {
    const from = (b * time + s) * units;
    const to = b * units;
    for (let j = 0; j < units; j++)
      dh[to + j] = (dh[to + j] as number) + (dSequence[from + j] as number);
  }
}

/** Copies the state of every row into the sequence output at processing step `s`. */
export function writeSequenceStep(
  sequence: Float32Array | null,
  h: Float32Array,
  layout: SequenceLayout,
  s: number,
): void {
  if (sequence === null) return;
  const { batch, time, units } = layout;
  for (let b = 0; b < batch; b++) {
    sequence.set(h.subarray(b * units, (b + 1) * units), (b * time + s) * units);
  }
}

/** The input projection rows of the JavaScript path (only the heap path takes the table). */
export function inputRows(args: CellForwardArgs): NonNullable<CellForwardArgs['xw']> {
  if (args.xw === null) throw new Error('fused layer: the table input needs the step kernels');
  return args.xw;
}
