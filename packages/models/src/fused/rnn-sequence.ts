import {
  addSequenceGradient,
  type CellBackwardArgs,
  type CellForwardArgs,
  type CellSequence,
  writeSequenceStep,
} from './cell-sequence.js';
import { takeFloats } from './float-pool.js';
import { activeRows, gatherRows, tanh, timeAt } from './sequence-layout.js';

interface RnnSaved {
  /** `[batch·time, units]`: the state before the step and after it. */
  hPrev: Float32Array;
  hNext: Float32Array;
}

/** tfjs-layers' SimpleRNN with its default tanh: `h' = tanh(x·W + h·U + b)`. */
export const rnnSequence: CellSequence<RnnSaved> = {
  gates: 1,

  forward({ layout, xw: projected, recurrent, save, sequence }: CellForwardArgs) {
    const { batch, time, units, rowOf } = layout;
    const [u] = recurrent;
    if (u === undefined) throw new Error('rnn needs one recurrent product');
    const h = new Float32Array(batch * units);
    const left = new Float32Array(batch * units);
    const rowsOn = new Int32Array(batch);
    const size = layout.rows;
    const saved = save
      ? { hPrev: takeFloats(size * units), hNext: takeFloats(size * units) }
      : null;
    for (let s = 0; s < time; s++) {
      const t = timeAt(layout, s);
      const n = activeRows(layout, t, rowsOn);
      if (n > 0) {
        const rec = u.run(gatherRows(h, rowsOn, n, units, left), n);
        const xw = projected.get();
        for (let k = 0; k < n; k++) {
          const b = rowsOn[k] as number;
          const ho = b * units;
          const xo = (rowOf[b * time + t] as number) * units;
          const ro = k * units;
          for (let j = 0; j < units; j++) {
            const v = tanh((xw[xo + j] as number) + (rec[ro + j] as number));
            if (saved !== null) {
              saved.hPrev[xo + j] = h[ho + j] as number;
              saved.hNext[xo + j] = v;
            }
            h[ho + j] = v;
          }
        }
      }
      writeSequenceStep(sequence, h, layout, s);
    }
    return { last: h, saved };
  },

  backward({ layout, saved, recurrentT, dLast, dSequence }: CellBackwardArgs<RnnSaved>) {
    const { batch, time, units, rowOf } = layout;
    const [uT] = recurrentT;
    if (uT === undefined) throw new Error('rnn needs one recurrent product');
    const dh = dLast === null ? new Float32Array(batch * units) : Float32Array.from(dLast);
    const dPre = takeFloats(layout.rows * units);
    const dStep = new Float32Array(batch * units);
    const rowsOn = new Int32Array(batch);
    for (let s = time - 1; s >= 0; s--) {
      const t = timeAt(layout, s);
      addSequenceGradient(dh, dSequence, layout, s);
      const n = activeRows(layout, t, rowsOn);
      if (n === 0) continue;
      for (let k = 0; k < n; k++) {
        const b = rowsOn[k] as number;
        const ho = b * units;
        const xo = (rowOf[b * time + t] as number) * units;
        const so = k * units;
        for (let j = 0; j < units; j++) {
          const v = saved.hNext[xo + j] as number;
          const d = (dh[ho + j] as number) * (1 - v * v);
          dPre[xo + j] = d;
          dStep[so + j] = d;
        }
      }
      const back = uT.run(dStep, n);
      for (let k = 0; k < n; k++) {
        const b = rowsOn[k] as number;
        dh.set(back.subarray(k * units, (k + 1) * units), b * units);
      }
    }
    return { dPre, recurrentFactors: [{ left: saved.hPrev, from: 0, to: units }] };
  },
};
