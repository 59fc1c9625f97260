/**
 * The GRU's per-step arithmetic as SIMD step kernels (see row-kernel.ts): tfjs-layers' GRU with
 * `reset_after = false`, columns z, r, h̃. A step forward is `gates` (after the z/r product),
 * the candidate's product over `r ⊙ h`, then `update`; backward mirrors it around the two
 * transposed products. The same arithmetic as the JavaScript loops of gru-sequence.ts.
 *
 * - `gates(n, rowsOn, xw, recZr, h, gates, rh)`: z, r into `gates[k]`, `r ⊙ h` into `rh[k]`.
 *   The `_table` variants of `gates` and `update` take `(n, rowsOn, ids, table, …)` and read row
 *   `ids[k]` of the vocabulary table for `xw[k]` (inference).
 * - `update(n, rowsOn, xw, recH, h, gates[, hPrev])`: h̃ into `gates[k]`, `h` updated in place
 *   (by batch row); `_save` keeps the state before the step in `hPrev[k]`.
 * - `backwardUpdate(n, rowsOn, dh, gates, hPrev, dPre, dZr, dCandidate, dhPrev)`: gradients of
 *   z and of h̃'s pre-activation (into `dPre[k]` and the two product inputs), `dhPrev = dh ⊙ z`.
 * - `backwardReset(n, 0, gates, hPrev, dResetH, dPre, dZr, dhPrev)`: r's gradient from that of
 *   `r ⊙ h`; adds `r ⊙ d(r ⊙ h)` to `dhPrev`.
 * - `backwardState(n, rowsOn, back, dhPrev, dh)`: `dh ← dhPrev + back` (by batch row).
 */
import { type Code, type FunctionBuilder, f32x4, get, set, v128 } from '@newscell/wasm-bytes';
import { FORWARD_KINDS } from './lstm-simd.js';
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

const kind = (hard: boolean) => (hard ? 'hard' : 'sigmoid');
export const gruName = {
  gates: (hard: boolean, table = false) => `gru_gates_${kind(hard)}${table ? '_table' : ''}`,
  update: (save: boolean, table = false) =>
    `gru_update${save ? '_save' : ''}${table ? '_table' : ''}`,
  backwardUpdate: (hard: boolean) => `gru_backward_update_${kind(hard)}`,
  backwardReset: (hard: boolean) => `gru_backward_reset_${kind(hard)}`,
  backwardState: 'gru_backward_state',
};

export function gruFunctions(units: number): [string, FunctionBuilder][] {
  const U = units * 4;
  const functions: [string, FunctionBuilder][] = [];
  for (const hard of [false, true]) {
    functions.push([gruName.gates(hard), gates(U, hard, false)]);
    functions.push([gruName.gates(hard, true), gates(U, hard, true)]);
    functions.push([gruName.backwardUpdate(hard), backwardUpdate(U, hard)]);
    functions.push([gruName.backwardReset(hard), backwardReset(U, hard)]);
  }
  for (const [save, table] of FORWARD_KINDS) {
    functions.push([gruName.update(save, table), update(U, save, table)]);
  }
  functions.push([gruName.backwardState, backwardState(U)]);
  return functions;
}

function gates(U: number, hard: boolean, table: boolean): FunctionBuilder {
  return rowKernel(
    [
      ['xw', table ? byList(3 * U) : byText(3 * U)],
      ['recZr', byText(2 * U)],
      ['h', byBatch(U)],
      ['gates', byText(3 * U)],
      ['rh', byText(U)],
    ],
    U,
    (m) => {
      const r = m.local();
      const pre = (q: number): Code => [
        ...m.load('xw', q * U),
        ...m.load('recZr', q * U),
        ...f32x4.add,
      ];
      return [
        ...m.store('gates', 0, [...pre(0), ...gate(hard, m.scratch)]),
        ...pre(1),
        ...gate(hard, m.scratch),
        ...set(r),
        ...m.store('gates', U, get(r)),
        ...m.store('rh', 0, [...get(r), ...m.load('h'), ...f32x4.mul]),
      ];
    },
  );
}

function update(U: number, save: boolean, table: boolean): FunctionBuilder {
  const matrices: [string, RowMatrix][] = [
    ['xw', table ? byList(3 * U) : byText(3 * U)],
    ['recH', byText(U)],
    ['h', byBatch(U)],
    ['gates', byText(3 * U)],
  ];
  if (save) matrices.push(['hPrev', byText(U)]);
  return rowKernel(matrices, U, (m) => {
    const [candidate, z, old] = [m.local(), m.local(), m.local()];
    const code: number[] = [
      ...m.load('xw', 2 * U),
      ...m.load('recH'),
      ...f32x4.add,
      ...tanh(m.scratch),
      ...set(candidate),
      ...m.store('gates', 2 * U, get(candidate)),
      ...m.load('gates'),
      ...set(z),
      ...m.load('h'),
      ...set(old),
    ];
    if (save) code.push(...m.store('hPrev', 0, get(old)));
    // h ← z ⊙ h + (1 − z) ⊙ h̃
    code.push(
      ...m.store('h', 0, [
        ...get(z),
        ...get(old),
        ...f32x4.mul,
        ...v128.constF32x4(1),
        ...get(z),
        ...f32x4.sub,
        ...get(candidate),
        ...f32x4.mul,
        ...f32x4.add,
      ]),
    );
    return code;
  });
}

function backwardUpdate(U: number, hard: boolean): FunctionBuilder {
  return rowKernel(
    [
      ['dh', byBatch(U)],
      ['gates', byText(3 * U)],
      ['hPrev', byText(U)],
      ['dPre', byText(3 * U)],
      ['dZr', byText(2 * U)],
      ['dCandidate', byText(U)],
      ['dhPrev', byText(U)],
    ],
    U,
    (m) => {
      const [z, candidate, dh, dz, dCandidate] = [
        m.local(),
        m.local(),
        m.local(),
        m.local(),
        m.local(),
      ];
      return [
        ...m.load('gates'),
        ...set(z),
        ...m.load('gates', 2 * U),
        ...set(candidate),
        ...m.load('dh'),
        ...set(dh),
        // dz = dh·(h − h̃)·σ'(z);  dh̃ = dh·(1 − z)·(1 − h̃²)
        ...get(dh),
        ...m.load('hPrev'),
        ...get(candidate),
        ...f32x4.sub,
        ...f32x4.mul,
        ...gateSlope(hard, z),
        ...f32x4.mul,
        ...set(dz),
        ...get(dh),
        ...v128.constF32x4(1),
        ...get(z),
        ...f32x4.sub,
        ...f32x4.mul,
        ...tanhSlope(candidate),
        ...f32x4.mul,
        ...set(dCandidate),
        ...m.store('dPre', 0, get(dz)),
        ...m.store('dPre', 2 * U, get(dCandidate)),
        ...m.store('dZr', 0, get(dz)),
        ...m.store('dCandidate', 0, get(dCandidate)),
        ...m.store('dhPrev', 0, [...get(dh), ...get(z), ...f32x4.mul]),
      ];
    },
  );
}

function backwardReset(U: number, hard: boolean): FunctionBuilder {
  return rowKernel(
    [
      ['gates', byText(3 * U)],
      ['hPrev', byText(U)],
      ['dResetH', byText(U)],
      ['dPre', byText(3 * U)],
      ['dZr', byText(2 * U)],
      ['dhPrev', byText(U)],
    ],
    U,
    (m) => {
      const [r, drh, dr] = [m.local(), m.local(), m.local()];
      return [
        ...m.load('gates', U),
        ...set(r),
        ...m.load('dResetH'),
        ...set(drh),
        ...get(drh),
        ...m.load('hPrev'),
        ...f32x4.mul,
        ...gateSlope(hard, r),
        ...f32x4.mul,
        ...set(dr),
        ...m.store('dPre', U, get(dr)),
        ...m.store('dZr', U, get(dr)),
        ...m.store('dhPrev', 0, [
          ...m.load('dhPrev'),
          ...get(drh),
          ...get(r),
          ...f32x4.mul,
          ...f32x4.add,
        ]),
      ];
    },
  );
}

function backwardState(U: number): FunctionBuilder {
  return rowKernel(
    [
      ['back', byText(U)],
      ['dhPrev', byText(U)],
      ['dh', byBatch(U)],
    ],
    U,
    (m) => m.store('dh', 0, [...m.load('dhPrev'), ...m.load('back'), ...f32x4.add]),
  );
}
