import {
  addSequenceGradient,
  type CellBackwardArgs,
  type CellForwardArgs,
  type CellSequence,
  inputRows,
  writeSequenceStep,
} from './cell-sequence.js';
import { takeFloats } from './float-pool.js';
import { withHeapPath } from './heap-state.js';
import { rnnBackwardOnHeap, rnnForwardOnHeap } from './rnn-heap.js';
import {
  gatherRows,
  nextStep,
  type StepRows,
  scatterStepRows,
  stepRows,
  tokenRow,
} from './sequence-layout.js';
import { VectorSigmoid } from './vector-sigmoid.js';

interface RnnArraysSaved {
  /** `[batch·time, units]`: the state before the step and after it. */
  hPrev: Float32Array;
  hNext: Float32Array;
}

/**
 * tfjs-layers' SimpleRNN with its default tanh: `h' = tanh(x·W + h·U + b)`. The per-step work
 * is in the functions below (see lstm-sequence.ts for why).
 */
const rnnLoops: CellSequence<RnnArraysSaved> = {
  gates: 1,

  forward(args: CellForwardArgs) {
    const projected = inputRows(args);
    const { layout, recurrent, save, sequence } = args;
    const { batch, time, units } = layout;
    const [u] = recurrent;
    if (u === undefined) throw new Error('rnn needs one recurrent product');
    const h = new Float32Array(batch * units);
    const left = new Float32Array(batch * units);
    const size = layout.rows;
    const saved = save
      ? { hPrev: takeFloats(size * units), hNext: takeFloats(size * units) }
      : null;
    const step = stepRows(layout, true);
    const sigma = new VectorSigmoid(batch * units);
    try {
      for (let s = 0; s < time; s++) {
        if (nextStep(layout, step, s) > 0) {
          const rec = u.run(gatherRows(h, step.rowsOn, step.n, units, left), step.n);
          rnnInput(step, projected.get(), rec, sigma.input());
          rnnUpdate(step, sigma.run(step.n * units), h, saved);
        }
        writeSequenceStep(sequence, h, layout, s);
      }
    } finally {
      sigma.dispose();
    }
    return { last: h, saved };
  },

  backward(args: CellBackwardArgs<RnnArraysSaved>) {
    const { layout, saved, recurrentT, dLast, dSequence } = args;
    const { batch, time, units } = layout;
    const [uT] = recurrentT;
    if (uT === undefined) throw new Error('rnn needs one recurrent product');
    const dh = dLast === null ? new Float32Array(batch * units) : Float32Array.from(dLast);
    const dPre = takeFloats(layout.rows * units);
    const step = stepRows(layout, true);
    for (let s = time - 1; s >= 0; s--) {
      addSequenceGradient(dh, dSequence, layout, s);
      if (nextStep(layout, step, s) === 0) continue;
      rnnBackwardStep(step, saved, dh, dPre);
      // The step's gradients are one block of dPre (see SequenceLayout).
      scatterStepRows(step, uT.run(dPre.subarray(step.start * units), step.n), dh);
    }
    return { dPre, recurrentFactors: [{ left: saved.hPrev, from: 0, to: units }] };
  },
};

/** On wasm (widths a multiple of 4) the SIMD step kernels run the steps: rnn-heap.ts. */
export const rnnSequence = withHeapPath(rnnLoops, {
  forward: rnnForwardOnHeap,
  backward: rnnBackwardOnHeap,
});

/** Twice the pre-activation of the running texts (row k): tanh(x) = 2·σ(2x) − 1. */
function rnnInput(step: StepRows, xw: Float32Array, rec: Float32Array, target: Float32Array): void {
  const { n, units } = step;
  for (let k = 0; k < n; k++) {
    const xo = tokenRow(step, k) * units;
    const ko = k * units;
    for (let j = 0; j < units; j++) {
      target[ko + j] = 2 * ((xw[xo + j] as number) + (rec[ko + j] as number));
    }
  }
}

/** `h ← tanh(…)` from σ(2x) of `rnnInput`'s values. */
function rnnUpdate(
  step: StepRows,
  s2: Float32Array,
  h: Float32Array,
  saved: RnnArraysSaved | null,
): void {
  const { n, units, rowsOn } = step;
  for (let k = 0; k < n; k++) {
    const ho = (rowsOn[k] as number) * units;
    const ko = k * units;
    const po = tokenRow(step, k) * units;
    for (let j = 0; j < units; j++) {
      const v = 2 * (s2[ko + j] as number) - 1;
      if (saved !== null) {
        saved.hPrev[po + j] = h[ho + j] as number;
        saved.hNext[po + j] = v;
      }
      h[ho + j] = v;
    }
  }
}

function rnnBackwardStep(
  step: StepRows,
  saved: RnnArraysSaved,
  dh: Float32Array,
  dPre: Float32Array,
): void {
  const { n, units, rowsOn } = step;
  for (let k = 0; k < n; k++) {
    const ho = (rowsOn[k] as number) * units;
    const xo = tokenRow(step, k) * units;
    for (let j = 0; j < units; j++) {
      const v = saved.hNext[xo + j] as number;
      dPre[xo + j] = (dh[ho + j] as number) * (1 - v * v);
    }
  }
}
