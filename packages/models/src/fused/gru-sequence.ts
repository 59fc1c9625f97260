import {
  addSequenceGradient,
  type CellBackwardArgs,
  type CellForwardArgs,
  type CellSequence,
  writeSequenceStep,
} from './cell-sequence.js';
import { anyActive, gate, gateSlope, tanh, timeAt } from './sequence-layout.js';

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
 * `h' = z ⊙ h + (1 − z) ⊙ h̃`. Columns z, r, h̃ in that order.
 */
export const gruSequence: CellSequence<GruSaved> = {
  gates: 3,

  forward({ layout, xw, bias, recurrent, activation, save, sequence }: CellForwardArgs) {
    const { batch, time, units, active } = layout;
    const width = 3 * units;
    const [uZr, uH] = recurrent;
    if (uZr === undefined || uH === undefined) throw new Error('gru needs two recurrent products');
    const h = new Float32Array(batch * units);
    const z = new Float32Array(batch * units);
    const rh = new Float32Array(batch * units);
    const rows = batch * time;
    const saved = save
      ? {
          hPrev: new Float32Array(rows * units),
          resetH: new Float32Array(rows * units),
          gates: new Float32Array(rows * width),
        }
      : null;
    for (let s = 0; s < time; s++) {
      const t = timeAt(layout, s);
      if (!anyActive(layout, t)) {
        writeSequenceStep(sequence, h, layout, s);
        continue;
      }
      const recZr = uZr.run(h, batch);
      for (let b = 0; b < batch; b++) {
        const row = b * time + t;
        const ho = b * units;
        if (active !== null && active[row] === 0) {
          rh.fill(0, ho, ho + units);
          continue;
        }
        const xo = row * width;
        const ro = b * 2 * units;
        for (let j = 0; j < units; j++) {
          const zj = gate(
            activation,
            (xw[xo + j] as number) + (recZr[ro + j] as number) + (bias[j] as number),
          );
          const k = j + units;
          const rj = gate(
            activation,
            (xw[xo + k] as number) + (recZr[ro + k] as number) + (bias[k] as number),
          );
          z[ho + j] = zj;
          rh[ho + j] = rj * (h[ho + j] as number);
          if (saved !== null) {
            saved.gates[xo + j] = zj;
            saved.gates[xo + k] = rj;
          }
        }
      }
      const recH = uH.run(rh, batch);
      for (let b = 0; b < batch; b++) {
        const row = b * time + t;
        if (active !== null && active[row] === 0) continue;
        const ho = b * units;
        const xo = row * width;
        if (saved !== null) {
          saved.hPrev.set(h.subarray(ho, ho + units), row * units);
          saved.resetH.set(rh.subarray(ho, ho + units), row * units);
        }
        for (let j = 0; j < units; j++) {
          const k = j + 2 * units;
          const hh = tanh((xw[xo + k] as number) + (recH[ho + j] as number) + (bias[k] as number));
          const zj = z[ho + j] as number;
          h[ho + j] = zj * (h[ho + j] as number) + (1 - zj) * hh;
          if (saved !== null) saved.gates[xo + k] = hh;
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
    const { batch, time, units, active } = layout;
    const width = 3 * units;
    const [uZrT, uHT] = recurrentT;
    if (uZrT === undefined || uHT === undefined)
      throw new Error('gru needs two recurrent products');
    const { hPrev, gates } = saved;
    const dh = dLast === null ? new Float32Array(batch * units) : Float32Array.from(dLast);
    const dhPrev = new Float32Array(batch * units);
    const dPre = new Float32Array(batch * time * width);
    const dCandidate = new Float32Array(batch * units);
    const dZr = new Float32Array(batch * 2 * units);
    const isActive = (b: number, t: number) => active === null || active[b * time + t] !== 0;
    for (let s = time - 1; s >= 0; s--) {
      const t = timeAt(layout, s);
      addSequenceGradient(dh, dSequence, layout, s);
      if (!anyActive(layout, t)) continue;
      for (let b = 0; b < batch; b++) {
        const ho = b * units;
        const zo = b * 2 * units;
        if (!isActive(b, t)) {
          dCandidate.fill(0, ho, ho + units);
          dZr.fill(0, zo, zo + 2 * units);
          continue;
        }
        const row = b * time + t;
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
          dCandidate[ho + j] = dhhPre;
          dhPrev[ho + j] = dhj * zj;
        }
      }
      const dResetH = uHT.run(dCandidate, batch);
      for (let b = 0; b < batch; b++) {
        if (!isActive(b, t)) continue;
        const ho = b * units;
        const zo = b * 2 * units;
        const row = b * time + t;
        const xo = row * width;
        const po = row * units;
        for (let j = 0; j < units; j++) {
          const rj = gates[xo + units + j] as number;
          const drh = dResetH[ho + j] as number;
          const drPre = drh * (hPrev[po + j] as number) * gateSlope(activation, rj);
          dPre[xo + units + j] = drPre;
          dZr[zo + units + j] = drPre;
          dhPrev[ho + j] = (dhPrev[ho + j] as number) + drh * rj;
        }
      }
      const back = uZrT.run(dZr, batch);
      for (let b = 0; b < batch; b++) {
        if (!isActive(b, t)) continue;
        const ho = b * units;
        for (let j = 0; j < units; j++)
          dh[ho + j] = (dhPrev[ho + j] as number) + (back[ho + j] as number);
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
