import { webAssembly } from '@newscell/wasm-bytes';
import { describe, expect, it } from 'vitest';
import { gruName } from '../../src/wasm-kernels/gru-simd.js';
import { lstmBackwardName, lstmForwardName } from '../../src/wasm-kernels/lstm-simd.js';
import { rnnName } from '../../src/wasm-kernels/rnn-simd.js';
import { type StepKernels, stepKernelsFor } from '../../src/wasm-kernels/step-kernels.js';

/**
 * The SIMD step kernels of the three cells against the same arithmetic written out here in
 * float64 with `Math.tanh` and `Math.exp`: one step over three of five texts (batch rows 3, 0,
 * 4), so rows by text and rows by batch position both get exercised.
 */
const api = webAssembly();
if (api === undefined) throw new Error('this runtime has no WebAssembly');
const wasm = api;

const units = 8;
const batch = 5;
const rowsOn = [3, 0, 4];
const n = rowsOn.length;

/** Named matrices in one memory: `rows × width` floats each, filled with values in [-4, 4). */
function heap(shapes: Record<string, [number, number]>) {
  const memory = new wasm.Memory({ initial: 2 });
  const floats = new Float32Array(memory.buffer);
  let next = 64;
  const at: Record<string, number> = {};
  let seed = 11;
  for (const [name, [rows, width]] of Object.entries(shapes)) {
    at[name] = next;
    for (let i = 0; i < rows * width; i++) {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      floats[next / 4 + i] = (seed / 2 ** 32) * 8 - 4; // both ends of the hard sigmoid too
    }
    next += rows * width * 4;
  }
  at.rows = next;
  new Int32Array(memory.buffer, next, n).set(rowsOn);
  at.ids = next + 16;
  new Int32Array(memory.buffer, at.ids, n).set(TABLE_IDS);
  const kernels = stepKernelsFor(memory, units) as StepKernels;
  const width = (name: string) => (shapes[name] as [number, number])[1];
  /** Row `r` of `name`, column `j`. */
  const value = (name: string, r: number, j: number) =>
    floats[(at[name] as number) / 4 + r * width(name) + j] as number;
  const matrix = (name: string) => {
    const [rows, w] = shapes[name] as [number, number];
    return Array.from(
      floats.subarray((at[name] as number) / 4, (at[name] as number) / 4 + rows * w),
    );
  };
  const run = (kernel: string, ...names: string[]) =>
    kernels.get(kernel)(n, at.rows as number, ...names.map((m) => at[m] as number));
  /** Overwrites matrix `name` from its first row on. */
  const load = (name: string, values: readonly number[], fromRow = 0) =>
    floats.set(values, (at[name] as number) / 4 + fromRow * width(name));
  return { value, matrix, run, load };
}

/** The vocabulary-table rows the `_table` kernels read for the three texts. */
const TABLE_IDS = [4, 1, 4];

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const hardSigmoid = (x: number) => Math.max(0, Math.min(1, 0.2 * x + 0.5));
const slopeOf = (hard: boolean) =>
  hard ? (y: number) => (y > 0 && y < 1 ? 0.2 : 0) : (y: number) => y * (1 - y);

type Heap = ReturnType<typeof heap>;

/**
 * Expect matrix `name` to equal `want` (a function of row and column) within 5e-6: float32
 * and the tanh approximation (~2e-7) against float64, amplified by factors up to ~10 in the
 * gradients; any slip in the arithmetic is orders of magnitude larger.
 */
function check(
  h: ReturnType<typeof heap>,
  name: string,
  rows: number,
  width: number,
  want: (r: number, j: number) => number,
) {
  let worst = 0;
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < width; j++)
      worst = Math.max(worst, Math.abs(h.value(name, r, j) - want(r, j)));
  expect(worst, `${name}: max |difference|`).toBeLessThan(5e-6);
}

/** Which text `k` runs on batch row `b`, or -1. */
const textOn = (b: number) => rowsOn.indexOf(b);

describe('step kernels', () => {
  it('exist only for widths that are a positive multiple of 4', () => {
    const memory = new wasm.Memory({ initial: 1 });
    expect(stepKernelsFor(memory, 6)).toBeNull();
    expect(stepKernelsFor(memory, 0)).toBeNull();
    expect(stepKernelsFor(memory, 8)).not.toBeNull();
    expect(stepKernelsFor(memory, 8)).toBe(stepKernelsFor(memory, 8)); // compiled once
  });

  describe.each([false, true])('hard sigmoid %s', (hard) => {
    const gate = hard ? hardSigmoid : sigmoid;
    const slope = slopeOf(hard);

    it.each([false, true])('LSTM forward (saving %s) and backward', (save) => {
      const w = 4 * units;
      const h = heap({
        xw: [n, w],
        rec: [n, w],
        c: [batch, units],
        h: [batch, units],
        gates: [n, w],
        hPrev: [n, units],
        cPrev: [n, units],
        tanhC: [n, units],
        dh: [batch, units],
        dc: [batch, units],
        dPre: [n, w],
      });
      const [c0, h0, dc0] = [h.matrix('c'), h.matrix('h'), h.matrix('dc')];
      const z = (k: number, q: number, j: number) =>
        h.value('xw', k, q * units + j) + h.value('rec', k, q * units + j);
      const i = (k: number, j: number) => gate(z(k, 0, j));
      const f = (k: number, j: number) => gate(z(k, 1, j));
      const g = (k: number, j: number) => Math.tanh(z(k, 2, j));
      const o = (k: number, j: number) => gate(z(k, 3, j));
      const cNew = (k: number, j: number) =>
        f(k, j) * (c0[(rowsOn[k] as number) * units + j] as number) + i(k, j) * g(k, j);
      const stateAfter =
        (old: number[], fresh: (k: number, j: number) => number) => (b: number, j: number) =>
          textOn(b) < 0 ? (old[b * units + j] as number) : fresh(textOn(b), j);
      const args = save
        ? ['xw', 'rec', 'c', 'h', 'gates', 'hPrev', 'cPrev', 'tanhC']
        : ['xw', 'rec', 'c', 'h'];
      h.run(lstmForwardName(hard, save), ...args);
      check(h, 'c', batch, units, stateAfter(c0, cNew));
      check(
        h,
        'h',
        batch,
        units,
        stateAfter(h0, (k, j) => o(k, j) * Math.tanh(cNew(k, j))),
      );
      if (!save) return;
      check(
        h,
        'gates',
        n,
        w,
        (k, col) => [i, f, g, o][Math.floor(col / units)]?.(k, col % units) as number,
      );
      check(h, 'hPrev', n, units, (k, j) => h0[(rowsOn[k] as number) * units + j] as number);
      check(h, 'cPrev', n, units, (k, j) => c0[(rowsOn[k] as number) * units + j] as number);
      check(h, 'tanhC', n, units, (k, j) => Math.tanh(cNew(k, j)));
      const dh = h.matrix('dh');
      h.run(lstmBackwardName(hard), 'dh', 'dc', 'gates', 'cPrev', 'tanhC', 'dPre');
      const dcTotal = (k: number, j: number) => {
        const b = rowsOn[k] as number;
        const t = Math.tanh(cNew(k, j));
        return (
          (dc0[b * units + j] as number) + (dh[b * units + j] as number) * o(k, j) * (1 - t * t)
        );
      };
      check(
        h,
        'dc',
        batch,
        units,
        stateAfter(dc0, (k, j) => dcTotal(k, j) * f(k, j)),
      );
      check(h, 'dPre', n, w, (k, col) => {
        const j = col % units;
        const b = rowsOn[k] as number;
        const dc = dcTotal(k, j);
        switch (Math.floor(col / units)) {
          case 0:
            return dc * g(k, j) * slope(i(k, j));
          case 1:
            return dc * (c0[b * units + j] as number) * slope(f(k, j));
          case 2:
            return dc * i(k, j) * (1 - g(k, j) ** 2);
          default:
            return (dh[b * units + j] as number) * Math.tanh(cNew(k, j)) * slope(o(k, j));
        }
      });
      expect(h.matrix('dh')).toEqual(dh); // only read
    });

    it.each([false, true])('GRU forward (saving %s) and backward', (save) => {
      const w = 3 * units;
      const h = heap({
        xw: [n, w],
        recZr: [n, 2 * units],
        recH: [n, units],
        h: [batch, units],
        gates: [n, w],
        rh: [n, units],
        hPrev: [n, units],
        dh: [batch, units],
        dPre: [n, w],
        dZr: [n, 2 * units],
        dCandidate: [n, units],
        dhPrev: [n, units],
        dResetH: [n, units],
        back: [n, units],
      });
      const h0 = h.matrix('h');
      const old = (k: number, j: number) => h0[(rowsOn[k] as number) * units + j] as number;
      const z = (k: number, j: number) => gate(h.value('xw', k, j) + h.value('recZr', k, j));
      const r = (k: number, j: number) =>
        gate(h.value('xw', k, units + j) + h.value('recZr', k, units + j));
      h.run(gruName.gates(hard), 'xw', 'recZr', 'h', 'gates', 'rh');
      check(h, 'gates', n, 2 * units, (k, col) => (col < units ? z(k, col) : r(k, col - units)));
      check(h, 'rh', n, units, (k, j) => r(k, j) * old(k, j));
      // (recH stands in for the candidate product of rh, which the layer computes between.)
      const candidate = (k: number, j: number) =>
        Math.tanh(h.value('xw', k, 2 * units + j) + h.value('recH', k, j));
      h.run(gruName.update(save), ...['xw', 'recH', 'h', 'gates', ...(save ? ['hPrev'] : [])]);
      check(h, 'gates', n, w, (k, col) =>
        col < units
          ? z(k, col)
          : col < 2 * units
            ? r(k, col - units)
            : candidate(k, col - 2 * units),
      );
      check(h, 'h', batch, units, (b, j) => {
        const k = textOn(b);
        return k < 0
          ? (h0[b * units + j] as number)
          : z(k, j) * old(k, j) + (1 - z(k, j)) * candidate(k, j);
      });
      if (save) check(h, 'hPrev', n, units, old);
      const dh = h.matrix('dh');
      const d = (k: number, j: number) => dh[(rowsOn[k] as number) * units + j] as number;
      const hPrev = (k: number, j: number) => h.value('hPrev', k, j);
      h.run(
        gruName.backwardUpdate(hard),
        'dh',
        'gates',
        'hPrev',
        'dPre',
        'dZr',
        'dCandidate',
        'dhPrev',
      );
      const dz = (k: number, j: number) =>
        d(k, j) * (hPrev(k, j) - candidate(k, j)) * slope(z(k, j));
      const dCandidate = (k: number, j: number) =>
        d(k, j) * (1 - z(k, j)) * (1 - candidate(k, j) ** 2);
      check(h, 'dCandidate', n, units, dCandidate);
      check(h, 'dZr', n, units, dz); // first half: z
      check(h, 'dhPrev', n, units, (k, j) => d(k, j) * z(k, j));
      h.run(gruName.backwardReset(hard), 'gates', 'hPrev', 'dResetH', 'dPre', 'dZr', 'dhPrev');
      const dr = (k: number, j: number) => h.value('dResetH', k, j) * hPrev(k, j) * slope(r(k, j));
      check(h, 'dZr', n, 2 * units, (k, col) => (col < units ? dz(k, col) : dr(k, col - units)));
      check(
        h,
        'dPre',
        n,
        w,
        (k, col) => [dz, dr, dCandidate][Math.floor(col / units)]?.(k, col % units) as number,
      );
      const dhPrev = (k: number, j: number) =>
        d(k, j) * z(k, j) + h.value('dResetH', k, j) * r(k, j);
      check(h, 'dhPrev', n, units, dhPrev);
      h.run(gruName.backwardState, 'back', 'dhPrev', 'dh');
      check(h, 'dh', batch, units, (b, j) => {
        const k = textOn(b);
        return k < 0 ? (dh[b * units + j] as number) : dhPrev(k, j) + h.value('back', k, j);
      });
    });
  });

  it.each([false, true])('RNN forward (saving %s) and backward', (save) => {
    const h = heap({
      xw: [n, units],
      rec: [n, units],
      h: [batch, units],
      hPrev: [n, units],
      hNext: [n, units],
      dh: [batch, units],
      dPre: [n, units],
    });
    const h0 = h.matrix('h');
    const next = (k: number, j: number) => Math.tanh(h.value('xw', k, j) + h.value('rec', k, j));
    h.run(rnnName.forward(save), ...['xw', 'rec', 'h', ...(save ? ['hPrev', 'hNext'] : [])]);
    check(h, 'h', batch, units, (b, j) =>
      textOn(b) < 0 ? (h0[b * units + j] as number) : next(textOn(b), j),
    );
    if (!save) return;
    check(h, 'hPrev', n, units, (k, j) => h0[(rowsOn[k] as number) * units + j] as number);
    check(h, 'hNext', n, units, next);
    const dh = h.matrix('dh');
    h.run(rnnName.backward, 'dh', 'hNext', 'dPre');
    check(
      h,
      'dPre',
      n,
      units,
      (k, j) => (dh[(rowsOn[k] as number) * units + j] as number) * (1 - next(k, j) ** 2),
    );
  });

  it.each([false, true])(
    'the _table forward kernels read row ids[k] of the table as xw[k] (hard sigmoid %s)',
    (hard) => {
      // For each cell: the same step from the same state, once with xw rows copied from the
      // table, once through the ids list; the results must be identical.
      const cases = [
        {
          gates: 4,
          run: (h: Heap, xw: string) =>
            h.run(
              lstmForwardName(hard, false, xw === 'table'),
              ...(xw === 'table' ? ['ids'] : []),
              xw,
              'rec',
              'c',
              'h',
            ),
        },
        {
          gates: 3,
          run: (h: Heap, xw: string) => {
            const ids = xw === 'table' ? ['ids'] : [];
            h.run(gruName.gates(hard, xw === 'table'), ...ids, xw, 'rec', 'h', 'gates', 'rh');
            h.run(gruName.update(false, xw === 'table'), ...ids, xw, 'rec', 'h', 'gates');
          },
        },
        {
          gates: 1,
          run: (h: Heap, xw: string) =>
            h.run(
              rnnName.forward(false, xw === 'table'),
              ...(xw === 'table' ? ['ids'] : []),
              xw,
              'rec',
              'h',
            ),
        },
      ];
      for (const { gates, run } of cases) {
        const w = gates * units;
        const h = heap({
          table: [6, w],
          xw: [n, w],
          rec: [n, w],
          c: [batch, units],
          h: [batch, units],
          gates: [n, 4 * units],
          rh: [n, units],
        });
        const table = h.matrix('table');
        for (const [k, id] of TABLE_IDS.entries()) {
          h.load('xw', table.slice(id * w, (id + 1) * w), k);
        }
        const [c0, h0] = [h.matrix('c'), h.matrix('h')];
        run(h, 'xw');
        const viaRows = [h.matrix('c'), h.matrix('h')];
        expect(viaRows[1]).not.toEqual(h0);
        h.load('c', c0);
        h.load('h', h0);
        run(h, 'table');
        expect([h.matrix('c'), h.matrix('h')], `${gates} gates`).toEqual(viaRows);
      }
    },
  );
});
