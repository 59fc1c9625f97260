/**
 * SimpleRNN's per-step arithmetic (tanh) as SIMD step kernels (see row-kernel.ts); the same as
 * the JavaScript loops of rnn-sequence.ts.
 *
 * - `forward(n, rowsOn, xw, rec, h[, hPrev, hNext])`: `h ← tanh(xw[k] + rec[k])` (by batch
 *   row); `_save` keeps the state before and after the step.
 * - `backward(n, rowsOn, dh, hNext, dPre)`: `dPre[k] = dh·(1 − h²)`.
 */
import { type FunctionBuilder, get, set, v128 } from '@newscell/wasm-bytes';
import { type RowMatrix, rowKernel, tanh, tanhSlope } from './row-kernel.js';

export const rnnName = {
  forward: (save: boolean) => `rnn_forward${save ? '_save' : ''}`,
  backward: 'rnn_backward',
};

export function rnnFunctions(units: number): [string, FunctionBuilder][] {
  const U = units * 4;
  return [
    [rnnName.forward(false), forward(U, false)],
    [rnnName.forward(true), forward(U, true)],
    [rnnName.backward, backward(U)],
  ];
}

function forward(U: number, save: boolean): FunctionBuilder {
  const matrices: [string, RowMatrix][] = [
    ['xw', { stride: U }],
    ['rec', { stride: U }],
    ['h', { stride: U, byBatchRow: true }],
  ];
  if (save) matrices.push(['hPrev', { stride: U }], ['hNext', { stride: U }]);
  return rowKernel(matrices, U, (m) => {
    const next = m.local();
    const code: number[] = [
      ...m.load('xw'),
      ...m.load('rec'),
      ...v128.add,
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
      ['dh', { stride: U, byBatchRow: true }],
      ['hNext', { stride: U }],
      ['dPre', { stride: U }],
    ],
    U,
    (m) => {
      const next = m.local();
      return [
        ...m.load('hNext'),
        ...set(next),
        ...m.store('dPre', 0, [...m.load('dh'), ...tanhSlope(next), ...v128.mul]),
      ];
    },
  );
}
