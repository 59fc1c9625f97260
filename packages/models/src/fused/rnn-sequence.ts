import {
  addSequenceGradient,
  type CellBackwardArgs,
  type CellForwardArgs,
  type CellSequence,
  writeSequenceStep,
} from './cell-sequence.js';
import { anyActive, tanh, timeAt } from './sequence-layout.js';

interface RnnSaved {
  /** `[batch·time, units]`: the state before the step and after it. */
  hPrev: Float32Array;
  hNext: Float32Array;
}

/** tfjs-layers' SimpleRNN with its default tanh: `h' = tanh(x·W + h·U + b)`. */
export const rnnSequence: CellSequence<RnnSaved> = {
  gates: 1,

  forward({ layout, xw, bias, recurrent, save, sequence }: CellForwardArgs) {
    const { batch, time, units, active } = layout;
    const [u] = recurrent;
    if (u === undefined) throw new Error('rnn needs one recurrent product');
    const h = new Float32Array(batch * units);
    const rows = batch * time;
    const saved = save
      ? { hPrev: new Float32Array(rows * units), hNext: new Float32Array(rows * units) }
      : null;
    for (let s = 0; s < time; s++) {
      const t = timeAt(layout, s);
      if (!anyActive(layout, t)) {
        writeSequenceStep(sequence, h, layout, s);
        continue;
      }
      const rec = u.run(h, batch);
      for (let b = 0; b < batch; b++) {
        const row = b * time + t;
        if (active !== null && active[row] === 0) continue;
        const ho = b * units;
        const xo = row * units;
        if (saved !== null) saved.hPrev.set(h.subarray(ho, ho + units), xo);
        for (let j = 0; j < units; j++) {
          const v = tanh((xw[xo + j] as number) + (rec[ho + j] as number) + (bias[j] as number));
          h[ho + j] = v;
          if (saved !== null) saved.hNext[xo + j] = v;
        }
      }
      writeSequenceStep(sequence, h, layout, s);
    }
    return { last: h, saved };
  },

  backward({ layout, saved, recurrentT, dLast, dSequence }: CellBackwardArgs<RnnSaved>) {
    const { batch, time, units, active } = layout;
    const [uT] = recurrentT;
    if (uT === undefined) throw new Error('rnn needs one recurrent product');
    const dh = dLast === null ? new Float32Array(batch * units) : Float32Array.from(dLast);
    const dPre = new Float32Array(batch * time * units);
    const dStep = new Float32Array(batch * units);
    for (let s = time - 1; s >= 0; s--) {
      const t = timeAt(layout, s);
      addSequenceGradient(dh, dSequence, layout, s);
      if (!anyActive(layout, t)) continue;
      for (let b = 0; b < batch; b++) {
        const row = b * time + t;
        const ho = b * units;
        if (active !== null && active[row] === 0) {
          dStep.fill(0, ho, ho + units);
          continue;
        }
        const xo = row * units;
        for (let j = 0; j < units; j++) {
          const v = saved.hNext[xo + j] as number;
          const d = (dh[ho + j] as number) * (1 - v * v);
          dPre[xo + j] = d;
          dStep[ho + j] = d;
        }
      }
      const back = uT.run(dStep, batch);
      for (let b = 0; b < batch; b++) {
        if (active !== null && active[b * time + t] === 0) continue;
        dh.set(back.subarray(b * units, (b + 1) * units), b * units);
      }
    }
    return { dPre, recurrentFactors: [{ left: saved.hPrev, from: 0, to: units }] };
  },
};
