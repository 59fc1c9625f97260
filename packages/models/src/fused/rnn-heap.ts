import type { Tensor2D } from '@tensorflow/tfjs-core';
import { rnnName } from '../wasm-kernels/rnn-simd.js';
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

/** SimpleRNN on wasm with its step arithmetic in the SIMD kernels (rnn-simd.ts; see lstm-heap.ts). */
export interface RnnHeapSaved {
  /** `[rows, units]`: the state before each token's step and after it. */
  hPrev: Tensor2D;
  hNext: Tensor2D;
}

export function rnnForwardOnHeap(
  { layout, xw, recurrent, save, sequence }: CellForwardArgs,
  { backend, kernel }: HeapCells,
): { last: Float32Array; saved: RnnHeapSaved | null } {
  const { batch, time, units, rows } = layout;
  const [u] = recurrent;
  const xwAt = xw.heapOffset();
  if (u === undefined || xwAt === null) throw new Error('rnn on the heap: no product or no xw');
  const U = units * 4;
  const state = new HeapRegions(backend, batch, { h: batch * units });
  const saved = save ? savedTensors(backend, rows, { hPrev: units, hNext: units }) : null;
  const at = saved === null ? null : offsetsOf(backend, saved);
  const step = kernel(rnnName.forward(save));
  const left = new Float32Array(batch * units);
  const running = stepRows(layout, true);
  try {
    for (let s = 0; s < time; s++) {
      if (nextStep(layout, running, s) > 0) {
        const { n, start } = running;
        state.setRows(running.rowsOn);
        const rec = u.run(gatherRows(state.floats('h'), running.rowsOn, n, units, left), n);
        const pointers = [xwAt + start * U, rec.byteOffset, state.at('h')];
        if (at !== null) pointers.push(at.hPrev + start * U, at.hNext + start * U);
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

export function rnnBackwardOnHeap(
  { layout, saved, recurrentT, dLast, dSequence }: CellBackwardArgs<RnnHeapSaved>,
  { backend, kernel }: HeapCells,
): CellGradients {
  const { batch, time, units, rows } = layout;
  const [uT] = recurrentT;
  if (uT === undefined) throw new Error('rnn needs one recurrent product');
  const U = units * 4;
  const state = new HeapRegions(backend, batch, { dh: batch * units });
  if (dLast !== null) state.floats('dh').set(dLast);
  const { dPre } = savedTensors(backend, rows, { dPre: units });
  const at = offsetsOf(backend, { hNext: saved.hNext, dPre });
  const step = kernel(rnnName.backward);
  const running = stepRows(layout, true);
  try {
    for (let s = time - 1; s >= 0; s--) {
      addSequenceGradient(state.floats('dh'), dSequence, layout, s);
      if (nextStep(layout, running, s) === 0) continue;
      const { n, start } = running;
      state.setRows(running.rowsOn);
      step(n, state.at('rows'), state.at('dh'), at.hNext + start * U, at.dPre + start * U);
      uT.prepare(n); // may grow the heap: the views below are taken after it
      const back = uT.run(heapRows(backend, dPre, start, n), n);
      scatterStepRows(running, back, state.floats('dh'));
    }
    return { dPre, recurrentFactors: [{ left: saved.hPrev, from: 0, to: units }] };
  } catch (error) {
    dPre.dispose();
    throw error;
  } finally {
    state.dispose();
  }
}
