import type { Tensor2D } from '@tensorflow/tfjs-core';
import { gruName } from '../wasm-kernels/gru-simd.js';
import type { CellBackwardArgs, CellForwardArgs, CellGradients } from './cell-sequence.js';
import { type HeapCells, heapBackward, heapForward, heapRows } from './heap-state.js';
import { gatherRows } from './sequence-layout.js';

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
  args: CellForwardArgs,
  heap: HeapCells,
): { last: Float32Array; saved: GruHeapSaved | null } {
  const { layout, recurrent, activation, save } = args;
  const { batch, units } = layout;
  const [uZr, uH] = recurrent;
  if (uZr === undefined || uH === undefined) throw new Error('gru needs two recurrent products');
  const U = units * 4;
  const hard = activation === 'hardSigmoid';
  const table = args.table !== null;
  const gatesStep = heap.kernel(gruName.gates(hard, table));
  const updateStep = heap.kernel(gruName.update(save, table));
  const left = new Float32Array(batch * units);
  // Without saving, the step's gates and r ⊙ h go to scratch regions.
  const regions = {
    h: batch * units,
    gates: save ? 0 : batch * 3 * units,
    rh: save ? 0 : batch * units,
  };
  const widths = { hPrev: units, resetH: units, gates: 3 * units };
  return heapForward(
    args,
    heap,
    regions,
    widths,
    ({ backend, running, state, at, saved, input }) => {
      const { n, start, rowsOn } = running;
      const xwRows = input(3 * U);
      const gates = at === null ? state.at('gates') : at.gates + start * 3 * U;
      const rh = at === null ? state.at('rh') : at.resetH + start * U;
      const recZr = uZr.run(gatherRows(state.floats('h'), rowsOn, n, units, left), n);
      gatesStep(n, state.at('rows'), ...xwRows, recZr.byteOffset, state.at('h'), gates, rh);
      uH.prepare(n); // may grow the heap: the view below is taken after it
      const rhValues =
        saved === null ? state.floats('rh') : heapRows(backend, saved.resetH, start, n);
      const recH = uH.run(rhValues, n);
      const pointers = [...xwRows, recH.byteOffset, state.at('h'), gates];
      if (at !== null) pointers.push(at.hPrev + start * U);
      updateStep(n, state.at('rows'), ...pointers);
    },
  );
}

export function gruBackwardOnHeap(
  args: CellBackwardArgs<GruHeapSaved>,
  heap: HeapCells,
): CellGradients {
  const { layout, saved, recurrentT, activation } = args;
  const { batch, units } = layout;
  const [uZrT, uHT] = recurrentT;
  if (uZrT === undefined || uHT === undefined) throw new Error('gru needs two recurrent products');
  const U = units * 4;
  const hard = activation === 'hardSigmoid';
  const updateStep = heap.kernel(gruName.backwardUpdate(hard));
  const resetStep = heap.kernel(gruName.backwardReset(hard));
  const stateStep = heap.kernel(gruName.backwardState);
  const regions = {
    dh: batch * units,
    dZr: batch * 2 * units,
    dCandidate: batch * units,
    dhPrev: batch * units,
  };
  const dPre = heapBackward(args, heap, regions, 3 * units, ({ running, state, at }) => {
    const { n, start } = running;
    const [gates, hPrev, dPreRows] = [
      at.gates + start * 3 * U,
      at.hPrev + start * U,
      at.dPre + start * 3 * U,
    ];
    const [dZr, dCandidate, dhPrev] = [state.at('dZr'), state.at('dCandidate'), state.at('dhPrev')];
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
  });
  return {
    dPre,
    recurrentFactors: [
      { left: saved.hPrev, from: 0, to: 2 * units },
      { left: saved.resetH, from: 2 * units, to: 3 * units },
    ],
  };
}
