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

interface LstmSaved {
  /** `[batch·time, units]` each: the state before the step, `c` before it, `tanh(c)` after. */
  hPrev: Float32Array;
  cPrev: Float32Array;
  tanhC: Float32Array;
  /** `[batch·time, 4·units]`: i, f, g, o after their nonlinearities. */
  gates: Float32Array;
}

/** tfjs-layers' LSTM (implementation 2): gates i, f, c̃, o in that column order. */
export const lstmSequence: CellSequence<LstmSaved> = {
  gates: 4,

  forward({ layout, xw: projected, recurrent, activation, save, sequence }: CellForwardArgs) {
    const { batch, time, units, rowOf } = layout;
    const width = 4 * units;
    const [u] = recurrent;
    if (u === undefined) throw new Error('lstm needs one recurrent product');
    const hard = activation === 'hardSigmoid';
    const h = new Float32Array(batch * units);
    const c = new Float32Array(batch * units);
    const left = new Float32Array(batch * units);
    const rowsOn = new Int32Array(batch);
    const size = layout.rows;
    const saved = save
      ? {
          hPrev: takeFloats(size * units),
          cPrev: takeFloats(size * units),
          tanhC: takeFloats(size * units),
          gates: takeFloats(size * width),
        }
      : null;
    for (let s = 0; s < time; s++) {
      const t = timeAt(layout, s);
      const n = activeRows(layout, t, rowsOn);
      if (n > 0) {
        const rec = u.run(gatherRows(h, rowsOn, n, units, left), n);
        const xw = projected.get();
        for (let k = 0; k < n; k++) {
          const b = rowsOn[k] as number;
          const row = rowOf[b * time + t] as number;
          const ho = b * units;
          const po = row * units;
          const xo = row * width;
          const ro = k * width;
          for (let j = 0; j < units; j++) {
            const k1 = j + units;
            const k2 = k1 + units;
            const k3 = k2 + units;
            const zi = (xw[xo + j] as number) + (rec[ro + j] as number);
            const zf = (xw[xo + k1] as number) + (rec[ro + k1] as number);
            const zg = (xw[xo + k2] as number) + (rec[ro + k2] as number);
            const zo = (xw[xo + k3] as number) + (rec[ro + k3] as number);
            const i = hard ? hardSigmoid(zi) : sigmoid(zi);
            const f = hard ? hardSigmoid(zf) : sigmoid(zf);
            const o = hard ? hardSigmoid(zo) : sigmoid(zo);
            const g = tanh(zg);
            const cOld = c[ho + j] as number;
            const cNew = f * cOld + i * g;
            const tc = tanh(cNew);
            if (saved !== null) {
              saved.hPrev[po + j] = h[ho + j] as number;
              saved.cPrev[po + j] = cOld;
              saved.tanhC[po + j] = tc;
              saved.gates[xo + j] = i;
              saved.gates[xo + k1] = f;
              saved.gates[xo + k2] = g;
              saved.gates[xo + k3] = o;
            }
            c[ho + j] = cNew;
            h[ho + j] = o * tc;
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
  }: CellBackwardArgs<LstmSaved>) {
    const { batch, time, units, rowOf } = layout;
    const width = 4 * units;
    const [uT] = recurrentT;
    if (uT === undefined) throw new Error('lstm needs one recurrent product');
    const { hPrev, cPrev, tanhC, gates } = saved;
    const dh = dLast === null ? new Float32Array(batch * units) : Float32Array.from(dLast);
    const dc = new Float32Array(batch * units);
    const dPre = takeFloats(layout.rows * width);
    const dStep = new Float32Array(batch * width);
    const rowsOn = new Int32Array(batch);
    for (let s = time - 1; s >= 0; s--) {
      const t = timeAt(layout, s);
      addSequenceGradient(dh, dSequence, layout, s);
      // Padding rows pass h and c, and so their gradients, through unchanged.
      const n = activeRows(layout, t, rowsOn);
      if (n === 0) continue;
      for (let k = 0; k < n; k++) {
        const b = rowsOn[k] as number;
        const row = rowOf[b * time + t] as number;
        const so = k * width;
        const ho = b * units;
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
          const di = dcj * g * gateSlope(activation, i);
          const df = dcj * (cPrev[co + j] as number) * gateSlope(activation, f);
          const dg = dcj * i * (1 - g * g);
          const dO = dhj * tc * gateSlope(activation, o);
          dPre[xo + j] = di;
          dPre[xo + k1] = df;
          dPre[xo + k2] = dg;
          dPre[xo + k3] = dO;
          dStep[so + j] = di;
          dStep[so + k1] = df;
          dStep[so + k2] = dg;
          dStep[so + k3] = dO;
        }
      }
      const back = uT.run(dStep, n);
      for (let k = 0; k < n; k++) {
        const b = rowsOn[k] as number;
        dh.set(back.subarray(k * units, (k + 1) * units), b * units);
      }
    }
    return { dPre, recurrentFactors: [{ left: hPrev, from: 0, to: width }] };
  },
};
