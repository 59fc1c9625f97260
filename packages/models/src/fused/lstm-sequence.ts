import { gateSlope, hardSigmoid, sigmoid } from '../activations.js';
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
import { lstmBackwardOnHeap, lstmForwardOnHeap } from './lstm-heap.js';
import {
  gateRow,
  gatherRows,
  nextStep,
  type StepRows,
  scatterStepRows,
  stepRows,
  tokenRow,
} from './sequence-layout.js';
import { VectorSigmoid } from './vector-sigmoid.js';

interface LstmArraysSaved {
  /** `[batch·time, units]` each: the state before the step, `c` before it, `tanh(c)` after. */
  hPrev: Float32Array;
  cPrev: Float32Array;
  tanhC: Float32Array;
  /** `[batch·time, 4·units]`: i, f, g, o after their nonlinearities. */
  gates: Float32Array;
}

/**
 * tfjs-layers' LSTM (implementation 2): gates i, f, c̃, o in that column order.
 *
 * The per-step work is in the functions below the object, called once per step: a long loop
 * inside one big function is compiled on-stack mid-loop and thrown away again at the first
 * never-run line after it, every call (seen with `node --trace-deopt`), so most steps ran
 * unoptimised.
 */
const lstmLoops: CellSequence<LstmArraysSaved> = {
  gates: 4,

  forward(args: CellForwardArgs) {
    const projected = inputRows(args);
    const { layout, recurrent, activation, save, sequence } = args;
    const { batch, time, units } = layout;
    const width = 4 * units;
    const [u] = recurrent;
    if (u === undefined) throw new Error('lstm needs one recurrent product');
    const h = new Float32Array(batch * units);
    const c = new Float32Array(batch * units);
    const left = new Float32Array(batch * units);
    const size = layout.rows;
    const saved = save
      ? {
          hPrev: takeFloats(size * units),
          cPrev: takeFloats(size * units),
          tanhC: takeFloats(size * units),
          gates: takeFloats(size * width),
        }
      : null;
    // Gates go straight to `saved` (by token row) when training, else to a scratch row per text.
    const gates = saved?.gates ?? new Float32Array(batch * width);
    const step = stepRows(layout, saved !== null);
    const hard = activation === 'hardSigmoid';
    // tanh(c̃'s pre-activation) and tanh(c) as 2·σ(2x) − 1, one vector op each per step.
    const sigmaG = new VectorSigmoid(batch * units);
    const sigmaC = new VectorSigmoid(batch * units);
    try {
      for (let s = 0; s < time; s++) {
        if (nextStep(layout, step, s) > 0) {
          const rec = u.run(gatherRows(h, step.rowsOn, step.n, units, left), step.n);
          lstmGates(step, projected.get(), rec, hard, gates, sigmaG.input());
          const g = sigmaG.run(step.n * units);
          lstmCell(step, g, gates, c, h, saved, sigmaC.input());
          lstmOutput(step, sigmaC.run(step.n * units), gates, h, saved);
        }
        writeSequenceStep(sequence, h, layout, s);
      }
    } finally {
      sigmaG.dispose();
      sigmaC.dispose();
    }
    return { last: h, saved };
  },

  backward(args: CellBackwardArgs<LstmArraysSaved>) {
    const { layout, saved, recurrentT, activation, dLast, dSequence } = args;
    const { batch, time, units } = layout;
    const width = 4 * units;
    const [uT] = recurrentT;
    if (uT === undefined) throw new Error('lstm needs one recurrent product');
    const dh = dLast === null ? new Float32Array(batch * units) : Float32Array.from(dLast);
    const dc = new Float32Array(batch * units);
    const dPre = takeFloats(layout.rows * width);
    const step = stepRows(layout, true);
    const hard = activation === 'hardSigmoid';
    for (let s = time - 1; s >= 0; s--) {
      addSequenceGradient(dh, dSequence, layout, s);
      // Padding rows pass h and c, and so their gradients, through unchanged.
      if (nextStep(layout, step, s) === 0) continue;
      lstmBackwardStep(step, saved, hard, dh, dc, dPre);
      // The step's gate gradients are one block of dPre (see SequenceLayout).
      scatterStepRows(step, uT.run(dPre.subarray(step.start * width), step.n), dh);
    }
    return { dPre, recurrentFactors: [{ left: saved.hPrev, from: 0, to: width }] };
  },
};

/** On wasm (widths a multiple of 4) the SIMD step kernels run the steps: lstm-heap.ts. */
export const lstmSequence = withHeapPath(lstmLoops, {
  forward: lstmForwardOnHeap,
  backward: lstmBackwardOnHeap,
});

/** Gate activations of the running texts, and twice c̃'s pre-activation into `gIn` (row k). */
function lstmGates(
  step: StepRows,
  xw: Float32Array,
  rec: Float32Array,
  hard: boolean,
  gates: Float32Array,
  gIn: Float32Array,
): void {
  const { n, units } = step;
  const width = 4 * units;
  for (let k = 0; k < n; k++) {
    const xo = tokenRow(step, k) * width;
    const go = gateRow(step, k) * width;
    const ro = k * width;
    const ko = k * units;
    for (let j = 0; j < units; j++) {
      const k1 = j + units;
      const k2 = k1 + units;
      const k3 = k2 + units;
      const zi = (xw[xo + j] as number) + (rec[ro + j] as number);
      const zf = (xw[xo + k1] as number) + (rec[ro + k1] as number);
      const zo = (xw[xo + k3] as number) + (rec[ro + k3] as number);
      gates[go + j] = hard ? hardSigmoid(zi) : sigmoid(zi);
      gates[go + k1] = hard ? hardSigmoid(zf) : sigmoid(zf);
      gates[go + k3] = hard ? hardSigmoid(zo) : sigmoid(zo);
      gIn[ko + j] = 2 * ((xw[xo + k2] as number) + (rec[ro + k2] as number));
    }
  }
}

/** `c ← f ⊙ c + i ⊙ c̃` (c̃ = 2·σ − 1), 2c into `cIn` (row k) for its tanh; keeps what backward needs. */
function lstmCell(
  step: StepRows,
  g: Float32Array,
  gates: Float32Array,
  c: Float32Array,
  h: Float32Array,
  saved: LstmArraysSaved | null,
  cIn: Float32Array,
): void {
  const { n, units, rowsOn } = step;
  for (let k = 0; k < n; k++) {
    const go = gateRow(step, k) * 4 * units;
    const ho = (rowsOn[k] as number) * units;
    const ko = k * units;
    const po = tokenRow(step, k) * units;
    for (let j = 0; j < units; j++) {
      const gj = 2 * (g[ko + j] as number) - 1;
      gates[go + 2 * units + j] = gj;
      const cOld = c[ho + j] as number;
      const cNew = (gates[go + units + j] as number) * cOld + (gates[go + j] as number) * gj;
      if (saved !== null) {
        saved.hPrev[po + j] = h[ho + j] as number;
        saved.cPrev[po + j] = cOld;
      }
      c[ho + j] = cNew;
      cIn[ko + j] = 2 * cNew;
    }
  }
}

/** `h ← o ⊙ tanh(c)`, tanh(c) = 2·σ(2c) − 1. */
function lstmOutput(
  step: StepRows,
  tc: Float32Array,
  gates: Float32Array,
  h: Float32Array,
  saved: LstmArraysSaved | null,
): void {
  const { n, units, rowsOn } = step;
  for (let k = 0; k < n; k++) {
    const go = gateRow(step, k) * 4 * units + 3 * units;
    const ho = (rowsOn[k] as number) * units;
    const ko = k * units;
    const po = tokenRow(step, k) * units;
    for (let j = 0; j < units; j++) {
      const tcj = 2 * (tc[ko + j] as number) - 1;
      if (saved !== null) saved.tanhC[po + j] = tcj;
      h[ho + j] = (gates[go + j] as number) * tcj;
    }
  }
}

/** One step back: gate gradients into `dPre` (by token row); `dc` carried. */
function lstmBackwardStep(
  step: StepRows,
  saved: LstmArraysSaved,
  hard: boolean,
  dh: Float32Array,
  dc: Float32Array,
  dPre: Float32Array,
): void {
  const { n, units, rowsOn } = step;
  const width = 4 * units;
  const { cPrev, tanhC, gates } = saved;
  for (let k = 0; k < n; k++) {
    const row = tokenRow(step, k);
    const ho = (rowsOn[k] as number) * units;
    const xo = row * width;
    const co = row * units;
    for (let j = 0; j < units; j++) {
      const k1 = j + units;
      const k2 = k1 + units;
      const k3 = k2 + units;
      const i = gates[xo + j] as number;
      const f = gates[xo + k1] as number;
      const g = gates[xo + k2] as number;
      const o = gates[xo + k3] as number;
      const tc = tanhC[co + j] as number;
      const dhj = dh[ho + j] as number;
      const dcj = (dc[ho + j] as number) + dhj * o * (1 - tc * tc);
      dc[ho + j] = dcj * f;
      const di = dcj * g * gateSlope(hard, i);
      const df = dcj * (cPrev[co + j] as number) * gateSlope(hard, f);
      const dg = dcj * i * (1 - g * g);
      const dO = dhj * tc * gateSlope(hard, o);
      dPre[xo + j] = di;
      dPre[xo + k1] = df;
      dPre[xo + k2] = dg;
      dPre[xo + k3] = dO;
    }
  }
}
