import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { Tensor2D } from '@tensorflow/tfjs-core';
import {
  HeapBlock,
  heapMemory,
  heapOffset,
  heapView,
  uninitializedTensor,
  wasmBackend,
} from '../wasm-kernels/heap.js';
import { type LstmKernels, lstmKernelsFor } from '../wasm-kernels/lstm-simd.js';
import {
  addSequenceGradient,
  type CellBackwardArgs,
  type CellForwardArgs,
  type CellGradients,
  writeSequenceStep,
} from './cell-sequence.js';
import {
  gatherRows,
  nextStep,
  type SequenceLayout,
  scatterStepRows,
  stepRows,
} from './sequence-layout.js';

/**
 * The LSTM on wasm with its step arithmetic in the SIMD kernels (lstm-simd.ts): per step one
 * recurrent product through tfjs, then one kernel call for every running text. Everything the
 * kernels touch lives in the heap: the input projection (already a tensor), `h`, `c` and their
 * gradients with the step's row list in a `HeapBlock`, and for training the saved activations
 * and the gate gradients as tensors that the weight-gradient products use as they are.
 */
export interface LstmHeapSaved {
  /** `[rows, units]`: state before each token's step, `c` before it, `tanh(c)` after. */
  hPrev: Tensor2D;
  cPrev: Tensor2D;
  tanhC: Tensor2D;
  /** `[rows, 4·units]`: i, f, g, o after their nonlinearities. */
  gates: Tensor2D;
}

export interface LstmHeap {
  backend: BackendWasm;
  kernels: LstmKernels;
}

/** The kernels for this layout on the active backend, or null (not wasm, no SIMD, width). */
export function lstmHeap(layout: SequenceLayout): LstmHeap | null {
  const backend = wasmBackend();
  const memory = backend === null ? null : heapMemory(backend);
  if (backend === null || memory === null || layout.rows === 0) return null;
  const kernels = lstmKernelsFor(memory, layout.units);
  return kernels === null ? null : { backend, kernels };
}

/** `[batch, units]` floats twice, then `batch` int32: c (or dc), h (or dh), the step's rows. */
function stateBlock(backend: BackendWasm, layout: SequenceLayout) {
  const cells = layout.batch * layout.units;
  const block = new HeapBlock(backend, 2 * cells + layout.batch);
  return {
    block,
    cells,
    first: block.at(0),
    second: block.at(cells),
    rowsOn: block.at(2 * cells),
    setRows: (rows: Int32Array) => block.ints(2 * cells, layout.batch).set(rows),
    secondValues: () => block.floats(cells, cells),
  };
}

export function forwardOnHeap(
  { layout, xw, recurrent, activation, save, sequence }: CellForwardArgs,
  { backend, kernels }: LstmHeap,
): { last: Float32Array; saved: LstmHeapSaved | null } {
  const { time, units, rows } = layout;
  const [u] = recurrent;
  const xwAt = xw.heapOffset();
  if (u === undefined || xwAt === null) throw new Error('lstm on the heap: no product or no xw');
  const state = stateBlock(backend, layout);
  const saved: LstmHeapSaved | null = save
    ? {
        hPrev: uninitializedTensor(backend, [rows, units]) as Tensor2D,
        cPrev: uninitializedTensor(backend, [rows, units]) as Tensor2D,
        tanhC: uninitializedTensor(backend, [rows, units]) as Tensor2D,
        gates: uninitializedTensor(backend, [rows, 4 * units]) as Tensor2D,
      }
    : null;
  const at = (t: Tensor2D | undefined) => (t === undefined ? 0 : heapOffset(backend, t));
  const [hPrev, cPrev, tanhC, gates] = [saved?.hPrev, saved?.cPrev, saved?.tanhC, saved?.gates].map(
    at,
  ) as [number, number, number, number];
  const kernel = kernels.forward(activation === 'hardSigmoid', save);
  const left = new Float32Array(state.cells);
  const step = stepRows(layout, false);
  const U = units * 4;
  try {
    for (let s = 0; s < time; s++) {
      if (nextStep(layout, step, s) > 0) {
        state.setRows(step.rowsOn);
        const rec = u.run(
          gatherRows(state.secondValues(), step.rowsOn, step.n, units, left),
          step.n,
        );
        const first = step.start;
        kernel(
          step.n,
          xwAt + first * 4 * U,
          rec.byteOffset,
          state.rowsOn,
          state.first,
          state.second,
          save ? gates + first * 4 * U : 0,
          save ? hPrev + first * U : 0,
          save ? cPrev + first * U : 0,
          save ? tanhC + first * U : 0,
        );
      }
      writeSequenceStep(sequence, state.secondValues(), layout, s);
    }
    return { last: state.secondValues().slice(), saved };
  } catch (error) {
    if (saved !== null) for (const t of Object.values(saved)) t.dispose();
    throw error;
  } finally {
    state.block.dispose();
  }
}

export function backwardOnHeap(
  { layout, saved, recurrentT, activation, dLast, dSequence }: CellBackwardArgs<LstmHeapSaved>,
  { backend, kernels }: LstmHeap,
): CellGradients {
  const { time, units, rows } = layout;
  const [uT] = recurrentT;
  if (uT === undefined) throw new Error('lstm needs one recurrent product');
  const state = stateBlock(backend, layout);
  if (dLast !== null) state.secondValues().set(dLast);
  const dPre = uninitializedTensor(backend, [rows, 4 * units]) as Tensor2D;
  const [gates, cPrev, tanhC, dPreAt] = [saved.gates, saved.cPrev, saved.tanhC, dPre].map((t) =>
    heapOffset(backend, t),
  ) as [number, number, number, number];
  const kernel = kernels.backward(activation === 'hardSigmoid');
  const step = stepRows(layout, true);
  const U = units * 4;
  try {
    for (let s = time - 1; s >= 0; s--) {
      addSequenceGradient(state.secondValues(), dSequence, layout, s);
      // Padding rows pass h and c, and so their gradients, through unchanged.
      if (nextStep(layout, step, s) === 0) continue;
      state.setRows(step.rowsOn);
      const first = step.start;
      kernel(
        step.n,
        state.rowsOn,
        state.second,
        state.first,
        gates + first * 4 * U,
        cPrev + first * U,
        tanhC + first * U,
        dPreAt + first * 4 * U,
      );
      uT.prepare(step.n); // may grow the heap: views below are taken after it
      const stepGradients = (heapView(backend, dPre) as Float32Array).subarray(first * 4 * units);
      scatterStepRows(step, uT.run(stepGradients, step.n), state.secondValues());
    }
    return { dPre, recurrentFactors: [{ left: saved.hPrev, from: 0, to: 4 * units }] };
  } catch (error) {
    dPre.dispose();
    throw error;
  } finally {
    state.block.dispose();
  }
}
