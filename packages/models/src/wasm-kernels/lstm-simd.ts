/**
 * The LSTM's per-step gate arithmetic as SIMD step kernels (see row-kernel.ts and
 * step-kernels.ts): after a step's recurrent product, one call does every running text's gates,
 * cell and output (and, when training, keeps what backpropagation needs); backward, one call per
 * step turns the state gradients into gate gradients. The same arithmetic as the JavaScript
 * loops of lstm-sequence.ts; gates i, f, c̃, o in tfjs-layers' column order.
 *
 * - `forward(n, rowsOn, xw, rec, c, h[, gates, hPrev, cPrev, tanhC])`: pre-activations
 *   `xw[k] + rec[k]`; `c`, `h` (by batch row) updated in place; the `_save` variant also writes
 *   the four saved matrices; the `_table` variant is `(n, rowsOn, ids, table, rec, c, h)` and
 *   reads row `ids[k]` of the table for `xw[k]`.
 * - `backward(n, rowsOn, dh, dc, gates, cPrev, tanhC, dPre)`: gate gradients of text `k` into
 *   `dPre[k]`; `dc` (by batch row) becomes the gradient for the step before; `dh` is only read.
 */
import type { FunctionBuilder } from '@newscell/wasm-bytes';
import { type Code, f32x4, get, set } from '@newscell/wasm-bytes';
import {
  byBatch,
  byList,
  byText,
  gate,
  gateSlope,
  type RowMatrix,
  rowKernel,
  tanh,
  tanhSlope,
} from './row-kernel.js';

/**
 * The forward kernel: saving for backpropagation, or (inference) reading `xw` rows from the
 * vocabulary table through the list of the step's token ids (`table`; see input-projection.ts).
 */
export const lstmForwardName = (hard: boolean, save: boolean, table = false) =>
  `lstm_forward_${hard ? 'hard' : 'sigmoid'}${save ? '_save' : ''}${table ? '_table' : ''}`;
export const lstmBackwardName = (hard: boolean) => `lstm_backward_${hard ? 'hard' : 'sigmoid'}`;

export function lstmFunctions(units: number): [string, FunctionBuilder][] {
  const functions: [string, FunctionBuilder][] = [];
  for (const hard of [false, true]) {
    for (const [save, table] of FORWARD_KINDS) {
      functions.push([lstmForwardName(hard, save, table), forward(units, hard, save, table)]);
    }
    functions.push([lstmBackwardName(hard), backward(units, hard)]);
  }
  return functions;
}

/** [save, table]: inference, training, inference through the vocabulary table. */
export const FORWARD_KINDS: readonly (readonly [boolean, boolean])[] = [
  [false, false],
  [true, false],
  [false, true],
];

function forward(units: number, hard: boolean, save: boolean, table: boolean): FunctionBuilder {
  const U = units * 4;
  const matrices: [string, RowMatrix][] = [
    ['xw', table ? byList(4 * U) : byText(4 * U)],
    ['rec', byText(4 * U)],
    ['c', byBatch(U)],
    ['h', byBatch(U)],
  ];
  if (save) {
    matrices.push(['gates', byText(4 * U)], ['hPrev', byText(U)], ['cPrev', byText(U)]);
    matrices.push(['tanhC', byText(U)]);
  }
  return rowKernel(matrices, U, (m) => {
    const [i, f, g, o, c, t] = [m.local(), m.local(), m.local(), m.local(), m.local(), m.local()];
    const pre = (q: number): Code => [
      ...m.load('xw', q * U),
      ...m.load('rec', q * U),
      ...f32x4.add,
    ];
    const code: number[] = [
      ...pre(0),
      ...gate(hard, m.scratch),
      ...set(i),
      ...pre(1),
      ...gate(hard, m.scratch),
      ...set(f),
      ...pre(2),
      ...tanh(m.scratch),
      ...set(g),
      ...pre(3),
      ...gate(hard, m.scratch),
      ...set(o),
    ];
    if (save) {
      code.push(
        ...m.store('gates', 0, get(i)),
        ...m.store('gates', U, get(f)),
        ...m.store('gates', 2 * U, get(g)),
        ...m.store('gates', 3 * U, get(o)),
        ...m.store('hPrev', 0, m.load('h')),
        ...m.store('cPrev', 0, m.load('c')),
      );
    }
    // c ← f ⊙ c + i ⊙ g;  h ← o ⊙ tanh(c)
    code.push(
      ...m.load('c'),
      ...get(f),
      ...f32x4.mul,
      ...get(i),
      ...get(g),
      ...f32x4.mul,
      ...f32x4.add,
      ...set(c),
      ...m.store('c', 0, get(c)),
      ...get(c),
      ...tanh(m.scratch),
      ...set(t),
    );
    if (save) code.push(...m.store('tanhC', 0, get(t)));
    code.push(...m.store('h', 0, [...get(o), ...get(t), ...f32x4.mul]));
    return code;
  });
}

function backward(units: number, hard: boolean): FunctionBuilder {
  const U = units * 4;
  return rowKernel(
    [
      ['dh', byBatch(U)],
      ['dc', byBatch(U)],
      ['gates', byText(4 * U)],
      ['cPrev', byText(U)],
      ['tanhC', byText(U)],
      ['dPre', byText(4 * U)],
    ],
    U,
    (m) => {
      const [i, f, g, o] = [m.local(), m.local(), m.local(), m.local()];
      const [t, dh, dc] = [m.local(), m.local(), m.local()];
      return [
        ...m.load('gates', 0),
        ...set(i),
        ...m.load('gates', U),
        ...set(f),
        ...m.load('gates', 2 * U),
        ...set(g),
        ...m.load('gates', 3 * U),
        ...set(o),
        ...m.load('tanhC'),
        ...set(t),
        ...m.load('dh'),
        ...set(dh),
        // dc ← dc + dh·o·(1 − tanh(c)²); carried back as dc·f
        ...m.load('dc'),
        ...get(dh),
        ...get(o),
        ...f32x4.mul,
        ...tanhSlope(t),
        ...f32x4.mul,
        ...f32x4.add,
        ...set(dc),
        ...m.store('dc', 0, [...get(dc), ...get(f), ...f32x4.mul]),
        ...m.store('dPre', 0, [
          ...get(dc),
          ...get(g),
          ...f32x4.mul,
          ...gateSlope(hard, i),
          ...f32x4.mul,
        ]),
        ...m.store('dPre', U, [
          ...get(dc),
          ...m.load('cPrev'),
          ...f32x4.mul,
          ...gateSlope(hard, f),
          ...f32x4.mul,
        ]),
        ...m.store('dPre', 2 * U, [
          ...get(dc),
          ...get(i),
          ...f32x4.mul,
          ...tanhSlope(g),
          ...f32x4.mul,
        ]),
        ...m.store('dPre', 3 * U, [
          ...get(dh),
          ...get(t),
          ...f32x4.mul,
          ...gateSlope(hard, o),
          ...f32x4.mul,
        ]),
      ];
    },
  );
}
