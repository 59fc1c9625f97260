import {
  addSequenceGradient,
  type CellBackwardArgs,
  type CellForwardArgs,
  type CellSequence,
  writeSequenceStep,
} from './cell-sequence.js';
import { takeFloats } from './float-pool.js';
import {
  activeRows,
  gateSlope,
  gatherRows,
  hardSigmoid,
  sigmoid,
  tanh,
  timeAt,
} from './sequence-layout.js';

interface GruSaved {
  /** `[batch·time, units]`: the state before the step, and `r ⊙ h` of the step. */
  hPrev: Float32Array;
  resetH: Float32Array;
  /** `[batch·time, 3·units]`: z, r, h̃ after their nonlinearities. */
  gates: Float32Array;
}

/**
 * tfjs-layers' GRU: `reset_after = false`, so the reset gate scales the state before the
 * recurrent product of the candidate, `h̃ = tanh(x·W_h + (r ⊙ h)·U_h + b_h)`, and
 * `h' = z ⊙ h + (1 − z) ⊙ h̃`. Columns z, r, h̃ in that order. Per step, rows `k < n` of the
 * scratch buffers belong to batch row `rowsOn[k]`, the texts with a real token at that step.
 */
export const gruSequence: CellSequence<GruSaved> = {
  gates: 3,

  forward({ layout, xw: projected, recurrent, activation, save, sequence }: CellForwardArgs) {
    const { batch, time, units, rowOf } = layout;
    const width = 3 * units;
    const [uZr, uH] = recurrent;
    if (uZr === undefined || uH === undefined) throw new Error('gru needs two recurrent products');
    const hard = activation === 'hardSigmoid';
    const h = new Float32Array(batch * units);
    const left = new Float32Array(batch * units);
    const z = new Float32Array(batch * units);
    const rh = new Float32Array(batch * units);
    const rowsOn = new Int32Array(batch);
    const size = layout.rows;
    const saved = save
      ? {
          hPrev: takeFloats(size * units),
          resetH: takeFloats(size * units),
          gates: takeFloats(size * width),
        }
      : null;
    for (let s = 0; s < time; s++) {
      const t = timeAt(layout, s);
      const n = activeRows(layout, t, rowsOn);
      if (n > 0) {
        const recZr = uZr.run(gatherRows(h, rowsOn, n, units, left), n);
        let xw = projected.get();
        for (let k = 0; k < n; k++) {
          const b = rowsOn[k] as number;
          const ho = b * units;
          const ko = k * units;
          const xo = (rowOf[b * time + t] as number) * width;
          const ro = k * 2 * units;
          for (let j = 0; j < units; j++) {
            const j2 = j + units;
            const az = (xw[xo + j] as number) + (recZr[ro + j] as number);
            const ar = (xw[xo + j2] as number) + (recZr[ro + j2] as number);
            const zj = hard ? hardSigmoid(az) : sigmoid(az);
            const rj = hard ? hardSigmoid(ar) : sigmoid(ar);
            z[ko + j] = zj;
            rh[ko + j] = rj * (h[ho + j] as number);
            if (saved !== null) {
              saved.gates[xo + j] = zj;
              saved.gates[xo + j2] = rj;
            }
          }
        }
        const recH = uH.run(rh, n);
        xw = projected.get();
        for (let k = 0; k < n; k++) {
          const b = rowsOn[k] as number;
          const ho = b * units;
          const ko = k * units;
          const row = rowOf[b * time + t] as number;
          const xo = row * width;
          const po = row * units;
          for (let j = 0; j < units; j++) {
            const j3 = j + 2 * units;
            const hh = tanh((xw[xo + j3] as number) + (recH[ko + j] as number));
            const zj = z[ko + j] as number;
            const hOld = h[ho + j] as number;
            if (saved !== null) {
              saved.hPrev[po + j] = hOld;
              saved.resetH[po + j] = rh[ko + j] as number;
              saved.gates[xo + j3] = hh;
            }
            h[ho + j] = zj * hOld + (1 - zj) * hh;
          }
        }
      }
      writeSequenceStep(sequence, h, layout, s);
    }
    return { last: h, saved };
  },

  backward({
    layout,
    saved,
    recurrentT,
    activation,
    dLast,
    dSequence,
  }: CellBackwardArgs<GruSaved>) {
    const { batch, time, units, rowOf } = layout;
    const width = 3 * units;
    const [uZrT, uHT] = recurrentT;
    if (uZrT === undefined || uHT === undefined) {
      throw new Error('gru needs two recurrent products');
    }
    const { hPrev, gates } = saved;
    const dh = dLast === null ? new Float32Array(batch * units) : Float32Array.from(dLast);
    const dhPrev = new Float32Array(batch * units);
    const dPre = takeFloats(layout.rows * width);
    const dCandidate = new Float32Array(batch * units);
    const dZr = new Float32Array(batch * 2 * units);
    const rowsOn = new Int32Array(batch);
    for (let s = time - 1; s >= 0; s--) {
      const t = timeAt(layout, s);
      addSequenceGradient(dh, dSequence, layout, s);
      // Padding rows pass h, and so its gradient, through unchanged.
      const n = activeRows(layout, t, rowsOn);
      if (n === 0) continue;
      for (let k = 0; k < n; k++) {
        const b = rowsOn[k] as number;
        const ho = b * units;
        const ko = k * units;
        const zo = k * 2 * units;
        const row = rowOf[b * time + t] as number;
        const xo = row * width;
        const po = row * units;
        for (let j = 0; j < units; j++) {
          const zj = gates[xo + j] as number;
          const hh = gates[xo + 2 * units + j] as number;
          const dhj = dh[ho + j] as number;
          const dzPre = dhj * ((hPrev[po + j] as number) - hh) * gateSlope(activation, zj);
          const dhhPre = dhj * (1 - zj) * (1 - hh * hh);
          dPre[xo + j] = dzPre;
          dPre[xo + 2 * units + j] = dhhPre;
          dZr[zo + j] = dzPre;
          dCandidate[ko + j] = dhhPre;
          dhPrev[ko + j] = dhj * zj;
        }
      }
      const dResetH = uHT.run(dCandidate, n);
      for (let k = 0; k < n; k++) {
        const b = rowsOn[k] as number;
        const ko = k * units;
        const zo = k * 2 * units;
        const row = rowOf[b * time + t] as number;
        const xo = row * width;
        const po = row * units;
        for (let j = 0; j < units; j++) {
          const rj = gates[xo + units + j] as number;
          const drh = dResetH[ko + j] as number;
          const drPre = drh * (hPrev[po + j] as number) * gateSlope(activation, rj);
          dPre[xo + units + j] = drPre;
          dZr[zo + units + j] = drPre;
          dhPrev[ko + j] = (dhPrev[ko + j] as number) + drh * rj;
        }
      }
      const back = uZrT.run(dZr, n);
      for (let k = 0; k < n; k++) {
        const ho = (rowsOn[k] as number) * units;
        const ko = k * units;
        for (let j = 0; j < units; j++) {
          dh[ho + j] = (dhPrev[ko + j] as number) + (back[ko + j] as number);
        }
      }
    }
    return {
      dPre,
      recurrentFactors: [
        { left: hPrev, from: 0, to: 2 * units },
        { left: saved.resetH, from: 2 * units, to: width },
      ],
    };
  },
};
