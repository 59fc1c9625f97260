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
