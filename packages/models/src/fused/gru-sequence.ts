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
import { gruBackwardOnHeap, gruForwardOnHeap } from './gru-heap.js';
import { withHeapPath } from './heap-state.js';
import {
  gateRow,
  gatherRows,
  nextStep,
  type StepRows,
  stepRows,
  tokenRow,
} from './sequence-layout.js';
import { VectorSigmoid } from './vector-sigmoid.js';

interface GruArraysSaved {
  /** `[batch·time, units]`: the state before the step, and `r ⊙ h` of the step. */
  hPrev: Float32Array;
  resetH: Float32Array;
  /** `[batch·time, 3·units]`: z, r, h̃ after their nonlinearities. */
  gates: Float32Array;
}

/**
 * tfjs-layers' GRU: `reset_after = false`, so the reset gate scales the state before the
 * recurrent product of the candidate, `h̃ = tanh(x·W_h + (r ⊙ h)·U_h + b_h)`, and
 * `h' = z ⊙ h + (1 − z) ⊙ h̃`. Columns z, r, h̃ in that order. The per-step work is in the
 * functions below (see lstm-sequence.ts for why).
 */
const gruLoops: CellSequence<GruArraysSaved> = {
  gates: 3,

  forward(args: CellForwardArgs) {
    const projected = inputRows(args);
    const { layout, recurrent, activation, save, sequence } = args;
    const { batch, time, units } = layout;
    const width = 3 * units;
    const [uZr, uH] = recurrent;
    if (uZr === undefined || uH === undefined) throw new Error('gru needs two recurrent products');
    const h = new Float32Array(batch * units);
    const left = new Float32Array(batch * units);
    const rh = new Float32Array(batch * units);
    const size = layout.rows;
    const saved = save
      ? {
          hPrev: takeFloats(size * units),
          resetH: takeFloats(size * units),
          gates: takeFloats(size * width),
        }
      : null;
    const gates = saved?.gates ?? new Float32Array(batch * width);
    const step = stepRows(layout, saved !== null);
    const hard = activation === 'hardSigmoid';
    const sigma = new VectorSigmoid(batch * units);
    try {
      for (let s = 0; s < time; s++) {
        if (nextStep(layout, step, s) > 0) {
          const recZr = uZr.run(gatherRows(h, step.rowsOn, step.n, units, left), step.n);
          gruGates(step, projected.get(), recZr, hard, gates, h, rh);
          const recH = uH.run(rh, step.n);
          gruCandidateInput(step, projected.get(), recH, sigma.input());
          gruUpdate(step, sigma.run(step.n * units), gates, h, rh, saved);
        }
        writeSequenceStep(sequence, h, layout, s);
      }
    } finally {
      sigma.dispose();
    }
    return { last: h, saved };
  },

  backward(args: CellBackwardArgs<GruArraysSaved>) {
    const { layout, saved, recurrentT, activation, dLast, dSequence } = args;
    const { batch, time, units } = layout;
    const width = 3 * units;
    const [uZrT, uHT] = recurrentT;
    if (uZrT === undefined || uHT === undefined) {
      throw new Error('gru needs two recurrent products');
    }
    const dh = dLast === null ? new Float32Array(batch * units) : Float32Array.from(dLast);
    const dhPrev = new Float32Array(batch * units);
    const dPre = takeFloats(layout.rows * width);
    const dCandidate = new Float32Array(batch * units);
    const dZr = new Float32Array(batch * 2 * units);
    const step = stepRows(layout, true);
    const hard = activation === 'hardSigmoid';
    for (let s = time - 1; s >= 0; s--) {
      addSequenceGradient(dh, dSequence, layout, s);
      // Padding rows pass h, and so its gradient, through unchanged.
      if (nextStep(layout, step, s) === 0) continue;
      gruBackwardUpdate(step, saved, hard, dh, dPre, dZr, dCandidate, dhPrev);
      gruBackwardReset(step, saved, hard, uHT.run(dCandidate, step.n), dPre, dZr, dhPrev);
      gruBackwardState(step, uZrT.run(dZr, step.n), dhPrev, dh);
    }
    return {
      dPre,
      recurrentFactors: [
        { left: saved.hPrev, from: 0, to: 2 * units },
        { left: saved.resetH, from: 2 * units, to: width },
      ],
    };
  },
};

/** On wasm (widths a multiple of 4) the SIMD step kernels run the steps: gru-heap.ts. */
export const gruSequence = withHeapPath(gruLoops, {
  forward: gruForwardOnHeap,
  backward: gruBackwardOnHeap,
});

/** z and r of the running texts, and `r ⊙ h` (row k) for the candidate's recurrent product. */
function gruGates(
  step: StepRows,
  xw: Float32Array,
  recZr: Float32Array,
  hard: boolean,
  gates: Float32Array,
  h: Float32Array,
  rh: Float32Array,
): void {
  const { n, units, rowsOn } = step;
  const width = 3 * units;
  for (let k = 0; k < n; k++) {
    const ho = (rowsOn[k] as number) * units;
    const ko = k * units;
    const xo = tokenRow(step, k) * width;
    const go = gateRow(step, k) * width;
    const ro = k * 2 * units;
    for (let j = 0; j < units; j++) {
      const j2 = j + units;
      const az = (xw[xo + j] as number) + (recZr[ro + j] as number);
      const ar = (xw[xo + j2] as number) + (recZr[ro + j2] as number);
      const rj = hard ? hardSigmoid(ar) : sigmoid(ar);
      gates[go + j] = hard ? hardSigmoid(az) : sigmoid(az);
      gates[go + j2] = rj;
      rh[ko + j] = rj * (h[ho + j] as number);
    }
  }
}

/** Twice the candidate's pre-activation (row k): tanh(x) = 2·σ(2x) − 1. */
function gruCandidateInput(
  step: StepRows,
  xw: Float32Array,
  recH: Float32Array,
  target: Float32Array,
): void {
  const { n, units } = step;
  for (let k = 0; k < n; k++) {
    const xo = tokenRow(step, k) * 3 * units + 2 * units;
    const ko = k * units;
    for (let j = 0; j < units; j++) {
      target[ko + j] = 2 * ((xw[xo + j] as number) + (recH[ko + j] as number));
    }
  }
}

/** `h ← z ⊙ h + (1 − z) ⊙ h̃`, h̃ = 2·σ − 1; keeps what backward needs. */
function gruUpdate(
  step: StepRows,
  candidate: Float32Array,
  gates: Float32Array,
  h: Float32Array,
  rh: Float32Array,
  saved: GruArraysSaved | null,
): void {
  const { n, units, rowsOn } = step;
  for (let k = 0; k < n; k++) {
    const ho = (rowsOn[k] as number) * units;
    const ko = k * units;
    const go = gateRow(step, k) * 3 * units;
    const po = tokenRow(step, k) * units;
    for (let j = 0; j < units; j++) {
      const hh = 2 * (candidate[ko + j] as number) - 1;
      const zj = gates[go + j] as number;
      const hOld = h[ho + j] as number;
      gates[go + 2 * units + j] = hh;
      if (saved !== null) {
        saved.hPrev[po + j] = hOld;
        saved.resetH[po + j] = rh[ko + j] as number;
      }
      h[ho + j] = zj * hOld + (1 - zj) * hh;
    }
  }
}

/** Gradients of z and of h̃'s pre-activation; `dhPrev` (row k) starts as `dh ⊙ z`. */
function gruBackwardUpdate(
  step: StepRows,
  saved: GruArraysSaved,
  hard: boolean,
  dh: Float32Array,
  dPre: Float32Array,
  dZr: Float32Array,
  dCandidate: Float32Array,
  dhPrev: Float32Array,
): void {
  const { n, units, rowsOn } = step;
  const { hPrev, gates } = saved;
  for (let k = 0; k < n; k++) {
    const ho = (rowsOn[k] as number) * units;
    const ko = k * units;
    const zo = k * 2 * units;
    const row = tokenRow(step, k);
    const xo = row * 3 * units;
    const po = row * units;
    for (let j = 0; j < units; j++) {
      const zj = gates[xo + j] as number;
      const hh = gates[xo + 2 * units + j] as number;
      const dhj = dh[ho + j] as number;
      const dzPre = dhj * ((hPrev[po + j] as number) - hh) * gateSlope(hard, zj);
      const dhhPre = dhj * (1 - zj) * (1 - hh * hh);
      dPre[xo + j] = dzPre;
      dPre[xo + 2 * units + j] = dhhPre;
      dZr[zo + j] = dzPre;
      dCandidate[ko + j] = dhhPre;
      dhPrev[ko + j] = dhj * zj;
    }
  }
}

/** Gradient of r from that of `r ⊙ h`; adds `r ⊙ d(r ⊙ h)` to `dhPrev`. */
function gruBackwardReset(
  step: StepRows,
  saved: GruArraysSaved,
  hard: boolean,
  dResetH: Float32Array,
  dPre: Float32Array,
  dZr: Float32Array,
  dhPrev: Float32Array,
): void {
  const { n, units } = step;
  const { hPrev, gates } = saved;
  for (let k = 0; k < n; k++) {
    const ko = k * units;
    const zo = k * 2 * units;
    const row = tokenRow(step, k);
    const xo = row * 3 * units;
    const po = row * units;
    for (let j = 0; j < units; j++) {
      const rj = gates[xo + units + j] as number;
      const drh = dResetH[ko + j] as number;
      const drPre = drh * (hPrev[po + j] as number) * gateSlope(hard, rj);
      dPre[xo + units + j] = drPre;
      dZr[zo + units + j] = drPre;
      dhPrev[ko + j] = (dhPrev[ko + j] as number) + drh * rj;
    }
  }
}

/** The state gradient carried back: `dhPrev` plus the z/r recurrent product's share. */
function gruBackwardState(
  step: StepRows,
  back: Float32Array,
  dhPrev: Float32Array,
  dh: Float32Array,
): void {
  const { n, units, rowsOn } = step;
  for (let k = 0; k < n; k++) {
    const ho = (rowsOn[k] as number) * units;
    const ko = k * units;
    for (let j = 0; j < units; j++) {
      dh[ho + j] = (dhPrev[ko + j] as number) + (back[ko + j] as number);
    }
  }
}
