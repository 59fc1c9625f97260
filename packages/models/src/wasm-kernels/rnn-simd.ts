/**
 * SimpleRNN's per-step arithmetic (tanh) as SIMD step kernels (see row-kernel.ts); the same as
 * the JavaScript loops of rnn-sequence.ts.
 *
 * - `forward(n, rowsOn, xw, rec, h[, hPrev, hNext])`: `h ← tanh(xw[k] + rec[k])` (by batch
 *   row); `_save` keeps the state before and after the step; `_table` is
 *   `(n, rowsOn, ids, table, rec, h)`, row `ids[k]` of the vocabulary table for `xw[k]`.
 * - `backward(n, rowsOn, dh, hNext, dPre)`: `dPre[k] = dh·(1 − h²)`.
 */
import { type FunctionBuilder, f32x4, get, set } from '@newscell/wasm-bytes';
import { FORWARD_KINDS } from './lstm-simd.js';
import {
  byBatch,
  byList,
  byText,
  type RowMatrix,
  rowKernel,
  tanh,
  tanhSlope,
} from './row-kernel.js';

export const rnnName = {
  forward: (save: boolean, table = false) =>
    `rnn_forward${save ? '_save' : ''}${table ? '_table' : ''}`,
  backward: 'rnn_backward',
};

export function rnnFunctions(units: number): [string, FunctionBuilder][] {
  const U = units * 4;
  return [
    ...FORWARD_KINDS.map(
      ([save, table]) =>
        [rnnName.forward(save, table), forward(U, save, table)] as [string, FunctionBuilder],
    ),
    [rnnName.backward, backward(U)],
  ];
}

function forward(U: number, save: boolean, table: boolean): FunctionBuilder {
  const matrices: [string, RowMatrix][] = [
    ['xw', table ? byList(U) : byText(U)],
    ['rec', byText(U)],
    ['h', byBatch(U)],
  ];
  if (save) matrices.push(['hPrev', byText(U)], ['hNext', byText(U)]);
  return rowKernel(matrices, U, (m) => {
    const next = m.local();
    const code: number[] = [
      ...m.load('xw'),
      ...m.load('rec'),
      ...f32x4.add,
      ...tanh(m.scratch),
      ...set(next),
    ];
    if (save) code.push(...m.store('hPrev', 0, m.load('h')), ...m.store('hNext', 0, get(next)));
    code.push(...m.store('h', 0, get(next)));
    return code;
  });
}

function backward(U: number): FunctionBuilder {
  return rowKernel(
    [
      ['dh', byBatch(U)],
      ['hNext', byText(U)],
      ['dPre', byText(U)],
    ],
    U,
    (m) => {
      const next = m.local();
      return [
        ...m.load('hNext'),
        ...set(next),
        ...m.store('dPre', 0, [...m.load('dh'), ...tanhSlope(next), ...f32x4.mul]),
      ];
    },
  );
}
