import type { Tensor2D } from '@tensorflow/tfjs-core';
import { lstmBackwardName, lstmForwardName } from '../wasm-kernels/lstm-simd.js';
import {
  addSequenceGradient,
  type CellBackwardArgs,
  type CellForwardArgs,
  type CellGradients,
  writeSequenceStep,
} from './cell-sequence.js';
import {
  disposeAll,
  type HeapCells,
  HeapRegions,
  heapRows,
  offsetsOf,
  savedTensors,
} from './heap-state.js';
import { gatherRows, nextStep, scatterStepRows, stepRows } from './sequence-layout.js';

/**
 * The LSTM on wasm with its step arithmetic in the SIMD kernels (lstm-simd.ts): per step the
 * recurrent product through tfjs, then one kernel call for every running text. `c`, `h` and their
 * gradients live in heap regions; the saved activations and the gate gradients are heap tensors
 * that the weight-gradient products take as they are.
 */
export interface LstmHeapSaved {
  /** `[rows, units]`: state before each token's step, `c` before it, `tanh(c)` after. */
  hPrev: Tensor2D;
  cPrev: Tensor2D;
  tanhC: Tensor2D;
  /** `[rows, 4·units]`: i, f, g, o after their nonlinearities. */
  gates: Tensor2D;
}

export function lstmForwardOnHeap(
  { layout, xw, recurrent, activation, save, sequence }: CellForwardArgs,
  { backend, kernel }: HeapCells,
): { last: Float32Array; saved: LstmHeapSaved | null } {
  const { batch, time, units, rows } = layout;
  const [u] = recurrent;
  const xwAt = xw.heapOffset();
  if (u === undefined || xwAt === null) throw new Error('lstm on the heap: no product or no xw');
  const U = units * 4;
  const state = new HeapRegions(backend, batch, { c: batch * units, h: batch * units });
  const saved = save
    ? savedTensors(backend, rows, { hPrev: units, cPrev: units, tanhC: units, gates: 4 * units })
    : null;
  const at = saved === null ? null : offsetsOf(backend, saved);
  const step = kernel(lstmForwardName(activation === 'hardSigmoid', save));
  const left = new Float32Array(batch * units);
  const running = stepRows(layout, false);
  try {
    for (let s = 0; s < time; s++) {
      if (nextStep(layout, running, s) > 0) {
        const { n, start } = running;
        state.setRows(running.rowsOn);
        const rec = u.run(gatherRows(state.floats('h'), running.rowsOn, n, units, left), n);
        const pointers = [xwAt + start * 4 * U, rec.byteOffset, state.at('c'), state.at('h')];
        if (at !== null) {
          pointers.push(at.gates + start * 4 * U, at.hPrev + start * U, at.cPrev + start * U);
          pointers.push(at.tanhC + start * U);
        }
        step(n, state.at('rows'), ...pointers);
      }
      writeSequenceStep(sequence, state.floats('h'), layout, s);
    }
    return { last: state.floats('h').slice(), saved };
  } catch (error) {
    disposeAll(saved);
    throw error;
  } finally {
    state.dispose();
  }
}

export function lstmBackwardOnHeap(
  { layout, saved, recurrentT, activation, dLast, dSequence }: CellBackwardArgs<LstmHeapSaved>,
  { backend, kernel }: HeapCells,
): CellGradients {
  const { batch, time, units, rows } = layout;
  const [uT] = recurrentT;
  if (uT === undefined) throw new Error('lstm needs one recurrent product');
  const U = units * 4;
  const state = new HeapRegions(backend, batch, { dc: batch * units, dh: batch * units });
  if (dLast !== null) state.floats('dh').set(dLast);
  const { dPre } = savedTensors(backend, rows, { dPre: 4 * units });
  const at = offsetsOf(backend, { ...saved, dPre });
  const step = kernel(lstmBackwardName(activation === 'hardSigmoid'));
  const running = stepRows(layout, true);
  try {
    for (let s = time - 1; s >= 0; s--) {
      addSequenceGradient(state.floats('dh'), dSequence, layout, s);
      // Padding rows pass h and c, and so their gradients, through unchanged.
      if (nextStep(layout, running, s) === 0) continue;
      const { n, start } = running;
      state.setRows(running.rowsOn);
      step(
        n,
        state.at('rows'),
        state.at('dh'),
        state.at('dc'),
        at.gates + start * 4 * U,
        at.cPrev + start * U,
        at.tanhC + start * U,
        at.dPre + start * 4 * U,
      );
      uT.prepare(n); // may grow the heap: the views below are taken after it
      const back = uT.run(heapRows(backend, dPre, start, n), n);
      scatterStepRows(running, back, state.floats('dh'));
    }
    return { dPre, recurrentFactors: [{ left: saved.hPrev, from: 0, to: 4 * units }] };
  } catch (error) {
    dPre.dispose();
    throw error;
  } finally {
    state.dispose();
  }
}
