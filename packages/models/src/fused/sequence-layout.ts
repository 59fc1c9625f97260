/** Gate nonlinearity of LSTM/GRU gates; tfjs-layers' default is `hardSigmoid`. */
export type GateActivation = 'hardSigmoid' | 'sigmoid';

/**
 * Shape of one fused sequence and where each step's data lives. Every per-token buffer has one
 * row per real token, numbered step by step in processing order (`rowOf`), and within a step in
 * batch order: the texts running at step `s` own the consecutive rows from `stepStart[s]`, so a
 * step's gates, saved states and gate gradients are one contiguous block. The rows of `x`
 * gathered by `positions` line up with them, which keeps the input projection and the weight
 * gradients single whole-sequence matrix products.
 * Steps run in processing order `s`; with `reverse` step `s` reads time `time - 1 - s`, and
 * the sequence output is written in processing order, as tfjs-layers' `goBackwards` does.
 */
export interface SequenceLayout {
  batch: number;
  time: number;
  units: number;
  reverse: boolean;
  /** `[batch·time]`, 1 for a real token, 0 for padding; null when nothing is masked. */
  active: Uint8Array | null;
  /**
   * Real tokens only get rows: `rowOf[b·time + t]` is the row of text `b`'s token `t` (−1 for
   * padding); `rows` counts them, and `positions` lists each row's `b·time + t`. Padding then
   * costs nothing in the whole-sequence products either (`x · kernel`, the weight gradients).
   */
  rowOf: Int32Array;
  positions: Int32Array;
  rows: number;
  /** `[time + 1]`: the first row of each processing step; `stepStart[time] = rows`. */
  stepStart: Int32Array;
}

/** The layout of a `[batch, time]` sequence with the given mask (see `SequenceLayout`). */
export function sequenceLayout(
  batch: number,
  time: number,
  units: number,
  reverse: boolean,
  active: Uint8Array | null,
): SequenceLayout {
  const rowOf = new Int32Array(batch * time).fill(-1);
  const positions = new Int32Array(batch * time);
  const stepStart = new Int32Array(time + 1);
  let rows = 0;
  for (let s = 0; s < time; s++) {
    stepStart[s] = rows;
    const t = reverse ? time - 1 - s : s;
    for (let b = 0; b < batch; b++) {
      const p = b * time + t;
      if (active === null || active[p] !== 0) {
        rowOf[p] = rows;
        positions[rows++] = p;
      }
    }
  }
  stepStart[time] = rows;
  return {
    batch,
    time,
    units,
    reverse,
    active,
    rowOf,
    positions: positions.subarray(0, rows),
    rows,
    stepStart,
  };
}

export function timeAt(layout: SequenceLayout, step: number): number {
  return layout.reverse ? layout.time - 1 - step : step;
}

/**
 * Fills `rows` with the batch rows that hold a real token at time `t` and returns how many.
 * Only those rows are multiplied and updated: padding carries the state through unchanged, so
 * the recurrent products shrink to the texts still running (pre-padded short texts start late).
 */
export function activeRows(layout: SequenceLayout, t: number, rows: Int32Array): number {
  const { active, batch, time } = layout;
  let n = 0;
  for (let b = 0; b < batch; b++) if (active === null || active[b * time + t] !== 0) rows[n++] = b;
  return n;
}

/**
 * The texts running at one processing step, for the cells' per-step functions: one object per
 * pass, refilled by `nextStep`. Rows `k < n` of a step's scratch buffers are batch row
 * `rowsOn[k]`, whose token at this step has row `start + k` in the per-token buffers.
 */
export interface StepRows {
  n: number;
  /** The input's time index of the step. */
  t: number;
  /** The step's first row in the per-token buffers. */
  start: number;
  rowsOn: Int32Array;
  units: number;
  /** Where per-step gate values live: by token row (kept for backward) or by step row `k`. */
  gatesByToken: boolean;
}

export function stepRows(layout: SequenceLayout, gatesByToken: boolean): StepRows {
  return {
    n: 0,
    t: 0,
    start: 0,
    rowsOn: new Int32Array(layout.batch),
    units: layout.units,
    gatesByToken,
  };
}

/** Fills `step` for processing step `s` and returns how many texts run at it. */
export function nextStep(layout: SequenceLayout, step: StepRows, s: number): number {
  const t = timeAt(layout, s);
  step.n = activeRows(layout, t, step.rowsOn);
  step.t = t;
  step.start = layout.stepStart[s] as number;
  return step.n;
}

export function tokenRow(step: StepRows, k: number): number {
  return step.start + k;
}

export function gateRow(step: StepRows, k: number): number {
  return step.gatesByToken ? step.start + k : k;
}

/** Row `k` of `values` (`units` wide) to row `rowsOn[k]` of `target`, for the running texts. */
export function scatterStepRows(step: StepRows, values: Float32Array, target: Float32Array): void {
  const { n, units, rowsOn } = step;
  for (let k = 0; k < n; k++) {
    target.set(values.subarray(k * units, (k + 1) * units), (rowsOn[k] as number) * units);
  }
}

/** Copies row `rows[k]` of `source` (`width` floats a row) to row `k` of `target`, k < n. */
export function gatherRows(
  source: Float32Array,
  rows: Int32Array,
  n: number,
  width: number,
  target: Float32Array,
): Float32Array {
  for (let k = 0; k < n; k++) {
    const b = rows[k] as number;
    target.set(source.subarray(b * width, (b + 1) * width), k * width);
  }
  return target;
}

/** tfjs-layers' `hardSigmoid`: `clip(0.2·x + 0.5, 0, 1)`. */
export function hardSigmoid(x: number): number {
  const y = 0.2 * x + 0.5;
  return y <= 0 ? 0 : Math.min(y, 1);
}

/** The logistic function through the rational `tanh` below (no `Math.exp`, which is slow in V8). */
export function sigmoid(x: number): number {
  return 0.5 * tanh(0.5 * x) + 0.5;
}

/** Derivative of the gate nonlinearity (hard or logistic) expressed through its output `y`. */
export function gateSlope(hard: boolean, y: number): number {
  if (hard) return y > 0 && y < 1 ? 0.2 : 0;
  return y * (1 - y);
}

/** Where tanh rounds to ±1 in float32; the rational function below is used inside it. */
export const TANH_CLAMP = 7.998811721801758;
// Eigen's float32 tanh: `x·P(x²)/Q(x²)`, coefficients from the highest power down.
const P0 = -2.76076847742355e-16;
const P1 = 2.00018790482477e-13;
const P2 = -8.60467152213735e-11;
const P3 = 5.12229709037114e-8;
const P4 = 1.48572235717979e-5;
const P5 = 6.37261928875436e-4;
const P6 = 4.89352455891786e-3;
const Q0 = 1.19825839466702e-6;
const Q1 = 1.18534705686654e-4;
const Q2 = 2.268434632439e-3;
const Q3 = 4.89352518554385e-3;
/** P and Q of the rational tanh below, for the SIMD kernels (row-kernel.ts). */
export const TANH_NUMERATOR: readonly number[] = [P0, P1, P2, P3, P4, P5, P6];
export const TANH_DENOMINATOR: readonly number[] = [Q0, Q1, Q2, Q3];

/**
 * tanh as Eigen's float32 rational approximation (odd degree-13 over even degree-6 polynomial,
 * clamped where tanh rounds to ±1 in float32): within 2.3e-7 of `Math.tanh`, and cheaper than
 * it or than `Math.exp` in V8; this and the gates are most of the fused layers' JavaScript time.
 * The wasm step kernels (row-kernel.ts) evaluate the same function four lanes at a time.
 */
export function tanh(x: number): number {
  if (x > TANH_CLAMP) return 1;
  if (x < -TANH_CLAMP) return -1;
  const x2 = x * x;
  const p = (((((P0 * x2 + P1) * x2 + P2) * x2 + P3) * x2 + P4) * x2 + P5) * x2 + P6;
  const q = ((Q0 * x2 + Q1) * x2 + Q2) * x2 + Q3;
  return (x * p) / q;
}
