import { webAssembly } from '@newscell/wasm-bytes';
import { describe, expect, it } from 'vitest';
import { lstmKernelsFor } from '../../src/wasm-kernels/lstm-simd.js';

const api = webAssembly();
if (api === undefined) throw new Error('this runtime has no WebAssembly');
const wasm = api;

/** Four-lane LSTM step kernels against the same arithmetic in float64 with `Math.tanh`. */
const units = 8;
const batch = 5;
const rowsOn = [3, 0, 4]; // texts running at the step, by batch row
const n = rowsOn.length;
const width = 4 * units;

function setup() {
  const memory = new wasm.Memory({ initial: 1 });
  const floats = new Float32Array(memory.buffer);
  let next = 64;
  const alloc = (length: number) => {
    const at = next;
    next += length * 4;
    return at;
  };
  const p = {
    xw: alloc(n * width),
    rec: alloc(n * width),
    rows: alloc(n),
    c: alloc(batch * units),
    h: alloc(batch * units),
    gates: alloc(n * width),
    hPrev: alloc(n * units),
    cPrev: alloc(n * units),
    tanhC: alloc(n * units),
    dh: alloc(batch * units),
    dc: alloc(batch * units),
    dPre: alloc(n * width),
  };
  let seed = 11;
  const random = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return (seed / 2 ** 32) * 8 - 4; // wide enough to reach both ends of the hard sigmoid
  };
  for (const key of ['xw', 'rec'] as const)
    for (let i = 0; i < n * width; i++) floats[p[key] / 4 + i] = random();
  for (const key of ['c', 'h', 'dh', 'dc'] as const)
    for (let i = 0; i < batch * units; i++) floats[p[key] / 4 + i] = random();
  new Int32Array(memory.buffer, p.rows, n).set(rowsOn);
  const read = (at: number, length: number) => Array.from(floats.subarray(at / 4, at / 4 + length));
  return { memory, p, read };
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const hardSigmoid = (x: number) => Math.max(0, Math.min(1, 0.2 * x + 0.5));

function expectClose(actual: number[], expected: number[], what: string) {
  expect(actual.length, what).toBe(expected.length);
  const worst = Math.max(...expected.map((e, i) => Math.abs((actual[i] as number) - e)));
  expect(worst, `${what}: max |difference|`).toBeLessThan(1e-6);
}

describe('LSTM SIMD step kernels', () => {
  it('exist only for widths that are a multiple of 4', () => {
    const memory = new wasm.Memory({ initial: 1 });
    expect(lstmKernelsFor(memory, 6)).toBeNull();
    expect(lstmKernelsFor(memory, 0)).toBeNull();
    expect(lstmKernelsFor(memory, 8)).not.toBeNull();
  });

  it.each([false, true])('forward (hard sigmoid %s) and backward match the reference', (hard) => {
    const { memory, p, read } = setup();
    const kernels = lstmKernelsFor(memory, units);
    if (kernels === null) throw new Error('no SIMD kernels');
    const gate = hard ? hardSigmoid : sigmoid;
    const slope = hard ? (y: number) => (y > 0 && y < 1 ? 0.2 : 0) : (y: number) => y * (1 - y);
    const [xw, rec, c0, h0, dh, dc0] = [
      read(p.xw, n * width),
      read(p.rec, n * width),
      read(p.c, batch * units),
      read(p.h, batch * units),
      read(p.dh, batch * units),
      read(p.dc, batch * units),
    ] as number[][] as [number[], number[], number[], number[], number[], number[]];
    const want = {
      c: [...c0],
      h: [...h0],
      gates: [] as number[],
      hPrev: [] as number[],
      cPrev: [] as number[],
      tanhC: [] as number[],
      dPre: [] as number[],
      dc: [...dc0],
    };
    rowsOn.forEach((b, k) => {
      const z = (q: number, j: number) =>
        (xw[k * width + q * units + j] as number) + (rec[k * width + q * units + j] as number);
      for (let j = 0; j < units; j++) {
        const [i, f, g, o] = [gate(z(0, j)), gate(z(1, j)), Math.tanh(z(2, j)), gate(z(3, j))];
        const cOld = c0[b * units + j] as number;
        const c = f * cOld + i * g;
        const tc = Math.tanh(c);
        want.gates[k * width + j] = i;
        want.gates[k * width + units + j] = f;
        want.gates[k * width + 2 * units + j] = g;
        want.gates[k * width + 3 * units + j] = o;
        want.hPrev[k * units + j] = h0[b * units + j] as number;
        want.cPrev[k * units + j] = cOld;
        want.tanhC[k * units + j] = tc;
        want.c[b * units + j] = c;
        want.h[b * units + j] = o * tc;
        const dhj = dh[b * units + j] as number;
        const dcj = (dc0[b * units + j] as number) + dhj * o * (1 - tc * tc);
        want.dc[b * units + j] = dcj * f;
        want.dPre[k * width + j] = dcj * g * slope(i);
        want.dPre[k * width + units + j] = dcj * cOld * slope(f);
        want.dPre[k * width + 2 * units + j] = dcj * i * (1 - g * g);
        want.dPre[k * width + 3 * units + j] = dhj * tc * slope(o);
      }
    });
    // Inference first (nothing saved), then again from the same state with saving on.
    kernels.forward(hard, false)(n, p.xw, p.rec, p.rows, p.c, p.h, 0, 0, 0, 0);
    expectClose(read(p.c, batch * units), want.c, 'c (inference)');
    expectClose(read(p.h, batch * units), want.h, 'h (inference)');
    new Float32Array(memory.buffer, p.c, batch * units).set(c0);
    new Float32Array(memory.buffer, p.h, batch * units).set(h0);
    kernels.forward(hard, true)(
      n,
      p.xw,
      p.rec,
      p.rows,
      p.c,
      p.h,
      p.gates,
      p.hPrev,
      p.cPrev,
      p.tanhC,
    );
    expectClose(read(p.c, batch * units), want.c, 'c');
    expectClose(read(p.h, batch * units), want.h, 'h');
    expectClose(read(p.gates, n * width), want.gates, 'gates');
    expectClose(read(p.hPrev, n * units), want.hPrev, 'saved h');
    expectClose(read(p.cPrev, n * units), want.cPrev, 'saved c');
    expectClose(read(p.tanhC, n * units), want.tanhC, 'saved tanh(c)');
    // Rows not running at the step keep their state.
    expect(read(p.h + units * 4, units)).toEqual(h0.slice(units, 2 * units));
    kernels.backward(hard)(n, p.rows, p.dh, p.dc, p.gates, p.cPrev, p.tanhC, p.dPre);
    expectClose(read(p.dPre, n * width), want.dPre, 'gate gradients');
    expectClose(read(p.dc, batch * units), want.dc, 'carried dc');
    expect(read(p.dh, batch * units)).toEqual(dh);
  });
});
