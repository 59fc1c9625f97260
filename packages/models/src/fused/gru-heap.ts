import type { Tensor2D } from '@tensorflow/tfjs-core';
import { gruName } from '../wasm-kernels/gru-simd.js';
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
import { gatherRows, nextStep, stepRows } from './sequence-layout.js';

/**
 * The GRU on wasm with its step arithmetic in the SIMD kernels (gru-simd.ts; see lstm-heap.ts).
 * Per step: the z/r product, `gates`, the candidate's product over `r ⊙ h`, `update`; when
 * training, the gates and `r ⊙ h` go straight to the saved tensors, whose step rows are the
 * candidate product's input.
 */
export interface GruHeapSaved {
  /** `[rows, units]`: the state before each token's step, and `r ⊙ h` of the step. */
  hPrev: Tensor2D;
  resetH: Tensor2D;
  /** `[rows, 3·units]`: z, r, h̃ after their nonlinearities. */
  gates: Tensor2D;
}

export function gruForwardOnHeap(
  { layout, xw, recurrent, activation, save, sequence }: CellForwardArgs,
  { backend, kernel }: HeapCells,
): { last: Float32Array; saved: GruHeapSaved | null } {
  const { batch, time, units, rows } = layout;
  const [uZr, uH] = recurrent;
  const xwAt = xw.heapOffset();
  if (uZr === undefined || uH === undefined || xwAt === null) {
    throw new Error('gru on the heap: needs two products and xw in the heap');
  }
  const U = units * 4;
  // Without saving, the step's gates and r ⊙ h go to scratch regions.
  const state = new HeapRegions(backend, batch, {
    h: batch * units,
    gates: save ? 0 : batch * 3 * units,
    rh: save ? 0 : batch * units,
  });
  const saved = save
    ? savedTensors(backend, rows, { hPrev: units, resetH: units, gates: 3 * units })
    : null;
  const at = saved === null ? null : offsetsOf(backend, saved);
  const hard = activation === 'hardSigmoid';
  const [gatesStep, updateStep] = [kernel(gruName.gates(hard)), kernel(gruName.update(save))];
  const left = new Float32Array(batch * units);
  const running = stepRows(layout, true);
  try {
    for (let s = 0; s < time; s++) {
      if (nextStep(layout, running, s) > 0) {
        const { n, start } = running;
        state.setRows(running.rowsOn);
        const xwRows = xwAt + start * 3 * U;
        const gates = at === null ? state.at('gates') : at.gates + start * 3 * U;
        const rh = at === null ? state.at('rh') : at.resetH + start * U;
        const recZr = uZr.run(gatherRows(state.floats('h'), running.rowsOn, n, units, left), n);
        gatesStep(n, state.at('rows'), xwRows, recZr.byteOffset, state.at('h'), gates, rh);
        uH.prepare(n); // may grow the heap: the view below is taken after it
        const rhValues =
          saved === null ? state.floats('rh') : heapRows(backend, saved.resetH, start, n);
        const recH = uH.run(rhValues, n);
        const pointers = [xwRows, recH.byteOffset, state.at('h'), gates];
        if (at !== null) pointers.push(at.hPrev + start * U);
        updateStep(n, state.at('rows'), ...pointers);
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

export function gruBackwardOnHeap(
  { layout, saved, recurrentT, activation, dLast, dSequence }: CellBackwardArgs<GruHeapSaved>,
  { backend, kernel }: HeapCells,
): CellGradients {
  const { batch, time, units, rows } = layout;
  const [uZrT, uHT] = recurrentT;
  if (uZrT === undefined || uHT === undefined) throw new Error('gru needs two recurrent products');
  const U = units * 4;
  const state = new HeapRegions(backend, batch, {
    dh: batch * units,
    dZr: batch * 2 * units,
    dCandidate: batch * units,
    dhPrev: batch * units,
  });
  if (dLast !== null) state.floats('dh').set(dLast);
  const { dPre } = savedTensors(backend, rows, { dPre: 3 * units });
  const at = offsetsOf(backend, { ...saved, dPre });
  const hard = activation === 'hardSigmoid';
  const updateStep = kernel(gruName.backwardUpdate(hard));
  const resetStep = kernel(gruName.backwardReset(hard));
  const stateStep = kernel(gruName.backwardState);
  const running = stepRows(layout, true);
  try {
    for (let s = time - 1; s >= 0; s--) {
      addSequenceGradient(state.floats('dh'), dSequence, layout, s);
      // Padding rows pass h, and so its gradient, through unchanged.
      if (nextStep(layout, running, s) === 0) continue;
      const { n, start } = running;
      state.setRows(running.rowsOn);
      const [gates, hPrev, dPreRows] = [
        at.gates + start * 3 * U,
        at.hPrev + start * U,
        at.dPre + start * 3 * U,
      ];
      const [dZr, dCandidate, dhPrev] = [
        state.at('dZr'),
        state.at('dCandidate'),
        state.at('dhPrev'),
      ];
      updateStep(
        n,
        state.at('rows'),
        state.at('dh'),
        gates,
        hPrev,
        dPreRows,
        dZr,
        dCandidate,
        dhPrev,
      );
      uHT.prepare(n);
      const dResetH = uHT.run(state.floats('dCandidate'), n);
      resetStep(n, 0, gates, hPrev, dResetH.byteOffset, dPreRows, dZr, dhPrev);
      uZrT.prepare(n);
      const back = uZrT.run(state.floats('dZr'), n);
      stateStep(n, state.at('rows'), back.byteOffset, dhPrev, state.at('dh'));
    }
    return {
      dPre,
      recurrentFactors: [
        { left: saved.hPrev, from: 0, to: 2 * units },
        { left: saved.resetH, from: 2 * units, to: 3 * units },
      ],
    };
  } catch (error) {
    dPre.dispose();
    throw error;
  } finally {
    state.dispose();
  }
}
