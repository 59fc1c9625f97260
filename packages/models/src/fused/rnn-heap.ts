import type { Tensor2D } from '@tensorflow/tfjs-core';
import { rnnName } from '../wasm-kernels/rnn-simd.js';
import type { CellBackwardArgs, CellForwardArgs, CellGradients } from './cell-sequence.js';
import { type HeapCells, heapBackward, heapForward, heapRows } from './heap-state.js';
import { gatherRows, scatterStepRows } from './sequence-layout.js';

/** SimpleRNN on wasm with its step arithmetic in the SIMD kernels (rnn-simd.ts; see lstm-heap.ts). */
export interface RnnHeapSaved {
  /** `[rows, units]`: the state before each token's step and after it. */
  hPrev: Tensor2D;
  hNext: Tensor2D;
}

export function rnnForwardOnHeap(
  args: CellForwardArgs,
  heap: HeapCells,
): { last: Float32Array; saved: RnnHeapSaved | null } {
  const { layout, recurrent, save } = args;
  const { batch, units } = layout;
  const [u] = recurrent;
  if (u === undefined) throw new Error('rnn needs one recurrent product');
  const U = units * 4;
  const kernel = heap.kernel(rnnName.forward(save, args.table !== null));
  const left = new Float32Array(batch * units);
  const widths = { hPrev: units, hNext: units };
  return heapForward(args, heap, { h: batch * units }, widths, ({ running, state, at, input }) => {
    const { n, start, rowsOn } = running;
    const rec = u.run(gatherRows(state.floats('h'), rowsOn, n, units, left), n);
    const pointers = [...input(U), rec.byteOffset, state.at('h')];
    if (at !== null) pointers.push(at.hPrev + start * U, at.hNext + start * U);
    kernel(n, state.at('rows'), ...pointers);
  });
}

export function rnnBackwardOnHeap(
  args: CellBackwardArgs<RnnHeapSaved>,
  heap: HeapCells,
): CellGradients {
  const { layout, saved, recurrentT } = args;
  const { batch, units } = layout;
  const [uT] = recurrentT;
  if (uT === undefined) throw new Error('rnn needs one recurrent product');
  const U = units * 4;
  const kernel = heap.kernel(rnnName.backward);
  const dPre = heapBackward(args, heap, { dh: batch * units }, units, (step) => {
    const { running, state, backend, at } = step;
    const { n, start } = running;
    kernel(n, state.at('rows'), state.at('dh'), at.hNext + start * U, at.dPre + start * U);
    uT.prepare(n); // may grow the heap: the views below are taken after it
    scatterStepRows(running, uT.run(heapRows(backend, step.dPre, start, n), n), state.floats('dh'));
  });
  return { dPre, recurrentFactors: [{ left: saved.hPrev, from: 0, to: units }] };
}
