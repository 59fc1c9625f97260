import type { Tensor2D } from '@tensorflow/tfjs-core';
import { lstmBackwardName, lstmForwardName } from '../wasm-kernels/lstm-simd.js';
import type { CellBackwardArgs, CellForwardArgs, CellGradients } from './cell-sequence.js';
import { type HeapCells, heapBackward, heapForward, heapRows } from './heap-state.js';
import { gatherRows, scatterStepRows } from './sequence-layout.js';

/**
 * The LSTM on wasm with its step arithmetic in the SIMD kernels (lstm-simd.ts): per step the
 * recurrent product through tfjs, then one kernel call for every running text. `c`, `h` and their
 * gradients live in heap regions; the saved activations and the gate gradients are heap tensors
 * that the weight-gradient products take as they are (heap-state.ts).
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
  args: CellForwardArgs,
  heap: HeapCells,
): { last: Float32Array; saved: LstmHeapSaved | null } {
  const { layout, recurrent, activation, save } = args;
  const { batch, units } = layout;
  const [u] = recurrent;
  if (u === undefined) throw new Error('lstm needs one recurrent product');
  const U = units * 4;
  const kernel = heap.kernel(
    lstmForwardName(activation === 'hardSigmoid', save, args.table !== null),
  );
  const left = new Float32Array(batch * units);
  const widths = { hPrev: units, cPrev: units, tanhC: units, gates: 4 * units };
  const regions = { c: batch * units, h: batch * units };
  return heapForward(args, heap, regions, widths, ({ running, state, at, input }) => {
    const { n, start, rowsOn } = running;
    const rec = u.run(gatherRows(state.floats('h'), rowsOn, n, units, left), n);
    const pointers = [...input(4 * U), rec.byteOffset, state.at('c'), state.at('h')];
    if (at !== null) {
      pointers.push(at.gates + start * 4 * U, at.hPrev + start * U, at.cPrev + start * U);
      pointers.push(at.tanhC + start * U);
    }
    kernel(n, state.at('rows'), ...pointers);
  });
}

export function lstmBackwardOnHeap(
  args: CellBackwardArgs<LstmHeapSaved>,
  heap: HeapCells,
): CellGradients {
  const { layout, saved, recurrentT, activation } = args;
  const { batch, units } = layout;
  const [uT] = recurrentT;
  if (uT === undefined) throw new Error('lstm needs one recurrent product');
  const U = units * 4;
  const kernel = heap.kernel(lstmBackwardName(activation === 'hardSigmoid'));
  const regions = { dc: batch * units, dh: batch * units };
  const dPre = heapBackward(args, heap, regions, 4 * units, (step) => {
    const { running, state, backend, at } = step;
    const { n, start } = running;
    const [dh, dc] = [state.at('dh'), state.at('dc')];
    const [gates, cPrev, tanhC] = [
      at.gates + start * 4 * U,
      at.cPrev + start * U,
      at.tanhC + start * U,
    ];
    kernel(n, state.at('rows'), dh, dc, gates, cPrev, tanhC, at.dPre + start * 4 * U);
    uT.prepare(n); // may grow the heap: the views below are taken after it
    scatterStepRows(running, uT.run(heapRows(backend, step.dPre, start, n), n), state.floats('dh'));
  });
  return { dPre, recurrentFactors: [{ left: saved.hPrev, from: 0, to: 4 * units }] };
}
