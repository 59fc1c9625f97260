/**
 * The LSTM's per-step gate arithmetic as WebAssembly SIMD over tfjs-backend-wasm's heap, four
 * units per instruction: after a step's recurrent product, one call does every running text's
 * gates, cell and output (and, when training, keeps what backpropagation needs); one call per
 * step backward turns the state gradients into gate gradients. The same arithmetic as the
 * JavaScript loops of lstm-sequence.ts, which stay for other backends and for widths that are not
 * a multiple of four; tanh is the same rational approximation (sequence-layout.ts), σ(x) as
 * `0.5·tanh(0.5·x) + 0.5`, computed here in float32 instead of float64 (within ~2e-7).
 *
 * Modules are assembled at run time per unit count (byte offsets are baked in) and cached per
 * heap. All pointers are byte offsets into the heap; rows are `4·units` floats (gates) or `units`
 * floats (states), consecutive per running text `k` except the carried state `h`/`c` (and its
 * gradients), which is indexed by the text's batch row `rowsOn[k]` (int32).
 */
import {
  type Code,
  countedLoop,
  FunctionBuilder,
  get,
  I32,
  i32,
  i32Const,
  memoryKernelModule,
  set,
  tee,
  V128,
  v128,
  webAssembly,
} from '@newscell/wasm-bytes';
import { TANH_CLAMP, TANH_DENOMINATOR, TANH_NUMERATOR } from '../fused/sequence-layout.js';
import type { WasmMemory } from './heap.js';

/**
 * `(n, xw, rec, rowsOn, c, h, gates, hPrev, cPrev, tanhC)`: for each running text `k < n`, the
 * pre-activations are `xw[k] + rec[k]`; `c`, `h` updated in place at row `rowsOn[k]`. Without
 * `save` the last four pointers are ignored.
 */
export type LstmForwardKernel = (
  n: number,
  xw: number,
  rec: number,
  rowsOn: number,
  c: number,
  h: number,
  gates: number,
  hPrev: number,
  cPrev: number,
  tanhC: number,
) => void;

/**
 * `(n, rowsOn, dh, dc, gates, cPrev, tanhC, dPre)`: gate gradients of text `k` into row `k` of
 * `dPre`; `dc` at row `rowsOn[k]` becomes the gradient for the step before. `dh` is only read.
 */
export type LstmBackwardKernel = (
  n: number,
  rowsOn: number,
  dh: number,
  dc: number,
  gates: number,
  cPrev: number,
  tanhC: number,
  dPre: number,
) => void;

export interface LstmKernels {
  forward(hard: boolean, save: boolean): LstmForwardKernel;
  backward(hard: boolean): LstmBackwardKernel;
}

const modules = new WeakMap<WasmMemory, Map<number, LstmKernels>>();

/** The kernels for `units` (a multiple of 4) bound to `memory`, or null without SIMD. */
export function lstmKernelsFor(memory: WasmMemory, units: number): LstmKernels | null {
  if (units % 4 !== 0 || units <= 0) return null;
  let byUnits = modules.get(memory);
  if (byUnits === undefined) {
    byUnits = new Map();
    modules.set(memory, byUnits);
  }
  const cached = byUnits.get(units);
  if (cached !== undefined) return cached;
  const bytes = memoryKernelModule(lstmFunctions(units));
  const api = webAssembly();
  if (api === undefined || !api.validate(bytes)) return null;
  const exports = new api.Instance(new api.Module(bytes), { env: { memory } }).exports;
  const kernels: LstmKernels = {
    forward: (hard, save) => exports[forwardName(hard, save)] as LstmForwardKernel,
    backward: (hard) => exports[backwardName(hard)] as LstmBackwardKernel,
  };
  byUnits.set(units, kernels);
  return kernels;
}

const forwardName = (hard: boolean, save: boolean) =>
  `forward_${hard ? 'hard' : 'sigmoid'}${save ? '_save' : ''}`;
const backwardName = (hard: boolean) => `backward_${hard ? 'hard' : 'sigmoid'}`;

function lstmFunctions(units: number): Map<string, FunctionBuilder> {
  const functions = new Map<string, FunctionBuilder>();
  for (const hard of [false, true]) {
    for (const save of [false, true])
      functions.set(forwardName(hard, save), forward(units, hard, save));
    functions.set(backwardName(hard), backward(units, hard));
  }
  return functions;
}

/** Scratch locals for the nonlinearities (tanh needs two). */
interface Scratch {
  a: number;
  b: number;
}

/** tanh of the v128 on the stack, as sequence-layout.ts's rational function (clamped input). */
function tanh(s: Scratch): Code {
  const x2: number[] = [...get(s.a), ...get(s.a), ...v128.mul, ...set(s.b)];
  return [
    ...v128.f32x4(TANH_CLAMP),
    ...v128.min,
    ...v128.f32x4(-TANH_CLAMP),
    ...v128.max,
    ...set(s.a),
    ...x2,
    ...get(s.a),
    ...polynomial(TANH_NUMERATOR, s.b),
    ...v128.mul,
    ...polynomial(TANH_DENOMINATOR, s.b),
    ...v128.div,
  ];
}

/** `c[0]·x^(m-1) + … + c[m-1]` by Horner's rule, `x` in a local. */
function polynomial(coefficients: readonly number[], x: number): Code {
  const [first, ...rest] = coefficients;
  const code: number[] = [...v128.f32x4(first as number)];
  for (const c of rest) code.push(...get(x), ...v128.mul, ...v128.f32x4(c), ...v128.add);
  return code;
}

/** The gate nonlinearity of the v128 on the stack: hard sigmoid or σ(x) = 0.5·tanh(0.5·x) + 0.5. */
function gate(hard: boolean, s: Scratch): Code {
  if (hard) {
    return [
      ...v128.f32x4(0.2),
      ...v128.mul,
      ...v128.f32x4(0.5),
      ...v128.add,
      ...v128.f32x4(1),
      ...v128.min,
      ...v128.f32x4(0),
      ...v128.max,
    ];
  }
  return [
    ...v128.f32x4(0.5),
    ...v128.mul,
    ...tanh(s),
    ...v128.f32x4(0.5),
    ...v128.mul,
    ...v128.f32x4(0.5),
    ...v128.add,
  ];
}

/** The gate's derivative from its output `y` (a local): hard → 0.2 inside (0, 1), else y·(1 − y). */
function gateSlope(hard: boolean, y: number): Code {
  if (hard) {
    // 0.2 where 0 < y < 1: bitselect(0.2, 0, (y > 0) & (y < 1)) as two selects.
    return [
      ...v128.f32x4(0.2),
      ...v128.f32x4(0),
      ...get(y),
      ...v128.f32x4(0),
      ...v128.gt,
      ...v128.bitselect,
      ...v128.f32x4(0),
      ...get(y),
      ...v128.f32x4(1),
      ...v128.lt,
      ...v128.bitselect,
    ];
  }
  return [...get(y), ...v128.f32x4(1), ...get(y), ...v128.sub, ...v128.mul];
}

/** `base + index·stride` into `target`. */
function rowAddress(base: number, index: Code, stride: number, target: number): Code {
  return [...get(base), ...index, ...i32Const(stride), ...i32.mul, ...i32.add, ...set(target)];
}

function forward(units: number, hard: boolean, save: boolean): FunctionBuilder {
  const U = units * 4;
  const W = 4 * U;
  const fn = new FunctionBuilder(Array(10).fill(I32));
  const [N, XW, REC, ROWS_ON, C, H, GATES, H_PREV, C_PREV, TANH_C] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const [k, j, x, r, hRow, cRow, g, p] = Array.from({ length: 8 }, () => fn.local(I32)) as number[];
  const [vi, vf, vg, vo, vc, vt, a, b] = Array.from({ length: 8 }, () =>
    fn.local(V128),
  ) as number[];
  const s = { a: a as number, b: b as number };
  /** Pre-activation of gate `q` at unit block `j`. */
  const pre = (q: number): Code => [
    ...get(x as number),
    ...v128.load(q * U),
    ...get(r as number),
    ...v128.load(q * U),
    ...v128.add,
  ];
  const batchRow = [
    ...get(ROWS_ON),
    ...get(k as number),
    ...i32Const(4),
    ...i32.mul,
    ...i32.add,
    ...i32.load(),
  ];
  const at = (row: number): Code => [...get(row), ...get(j as number), ...i32.add];
  const inner: number[] = [
    ...get(XW),
    ...get(k as number),
    ...i32Const(W),
    ...i32.mul,
    ...i32.add,
    ...get(j as number),
    ...i32.add,
    ...set(x as number),
    ...get(REC),
    ...get(k as number),
    ...i32Const(W),
    ...i32.mul,
    ...i32.add,
    ...get(j as number),
    ...i32.add,
    ...set(r as number),
    ...pre(0),
    ...gate(hard, s),
    ...set(vi as number),
    ...pre(1),
    ...gate(hard, s),
    ...set(vf as number),
    ...pre(2),
    ...tanh(s),
    ...set(vg as number),
    ...pre(3),
    ...gate(hard, s),
    ...set(vo as number),
  ];
  if (save) {
    inner.push(
      ...get(GATES),
      ...get(g as number),
      ...i32.add,
      ...get(j as number),
      ...i32.add,
      ...tee(x as number),
      ...get(vi as number),
      ...v128.store(0),
      ...get(x as number),
      ...get(vf as number),
      ...v128.store(U),
      ...get(x as number),
      ...get(vg as number),
      ...v128.store(2 * U),
      ...get(x as number),
      ...get(vo as number),
      ...v128.store(3 * U),
      ...get(H_PREV),
      ...get(p as number),
      ...i32.add,
      ...get(j as number),
      ...i32.add,
      ...at(hRow as number),
      ...v128.load(),
      ...v128.store(),
      ...get(C_PREV),
      ...get(p as number),
      ...i32.add,
      ...get(j as number),
      ...i32.add,
      ...at(cRow as number),
      ...v128.load(),
      ...v128.store(),
    );
  }
  inner.push(
    // c ← f ⊙ c + i ⊙ g
    ...at(cRow as number),
    ...get(vf as number),
    ...at(cRow as number),
    ...v128.load(),
    ...v128.mul,
    ...get(vi as number),
    ...get(vg as number),
    ...v128.mul,
    ...v128.add,
    ...tee(vc as number),
    ...v128.store(),
    ...get(vc as number),
    ...tanh(s),
    ...set(vt as number),
  );
  if (save) {
    inner.push(
      ...get(TANH_C),
      ...get(p as number),
      ...i32.add,
      ...get(j as number),
      ...i32.add,
      ...get(vt as number),
      ...v128.store(),
    );
  }
  // h ← o ⊙ tanh(c)
  inner.push(
    ...at(hRow as number),
    ...get(vo as number),
    ...get(vt as number),
    ...v128.mul,
    ...v128.store(),
  );
  const outer: number[] = [
    ...rowAddress(H, batchRow, U, hRow as number),
    ...rowAddress(C, batchRow, U, cRow as number),
    ...i32Const(0),
    ...set(j as number),
  ];
  if (save) {
    outer.push(...get(k as number), ...i32Const(W), ...i32.mul, ...set(g as number));
    outer.push(...get(k as number), ...i32Const(U), ...i32.mul, ...set(p as number));
  }
  outer.push(...countedLoop(j as number, i32Const(U), 16, inner));
  fn.emit(i32Const(0), set(k as number), countedLoop(k as number, get(N), 1, outer));
  return fn;
}

function backward(units: number, hard: boolean): FunctionBuilder {
  const U = units * 4;
  const W = 4 * U;
  const fn = new FunctionBuilder(Array(8).fill(I32));
  const [N, ROWS_ON, DH, DC, GATES, C_PREV, TANH_C, D_PRE] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [k, j, gRow, sRow, dhRow, dcRow, q, st] = Array.from({ length: 8 }, () =>
    fn.local(I32),
  ) as number[];
  const [vi, vf, vg, vo, vt, vdh, vdc] = Array.from({ length: 7 }, () =>
    fn.local(V128),
  ) as number[];
  const batchRow = [
    ...get(ROWS_ON),
    ...get(k as number),
    ...i32Const(4),
    ...i32.mul,
    ...i32.add,
    ...i32.load(),
  ];
  const at = (row: number): Code => [...get(row), ...get(j as number), ...i32.add];
  const inner: number[] = [
    ...at(gRow as number),
    ...tee(q as number),
    ...v128.load(0),
    ...set(vi as number),
    ...get(q as number),
    ...v128.load(U),
    ...set(vf as number),
    ...get(q as number),
    ...v128.load(2 * U),
    ...set(vg as number),
    ...get(q as number),
    ...v128.load(3 * U),
    ...set(vo as number),
    ...at(sRow as number),
    ...tee(st as number),
    ...get(TANH_C),
    ...i32.add,
    ...v128.load(),
    ...set(vt as number),
    ...at(dhRow as number),
    ...v128.load(),
    ...set(vdh as number),
    // dc ← dc + dh·o·(1 − tc²)
    ...at(dcRow as number),
    ...v128.load(),
    ...get(vdh as number),
    ...get(vo as number),
    ...v128.mul,
    ...v128.f32x4(1),
    ...get(vt as number),
    ...get(vt as number),
    ...v128.mul,
    ...v128.sub,
    ...v128.mul,
    ...v128.add,
    ...set(vdc as number),
    // carried: dc·f
    ...at(dcRow as number),
    ...get(vdc as number),
    ...get(vf as number),
    ...v128.mul,
    ...v128.store(),
    // dPre row: di, df, dg, do
    ...get(D_PRE),
    ...get(gRow as number),
    ...get(GATES),
    ...i32.sub,
    ...i32.add,
    ...get(j as number),
    ...i32.add,
    ...set(q as number),
    ...get(q as number),
    ...get(vdc as number),
    ...get(vg as number),
    ...v128.mul,
    ...gateSlope(hard, vi as number),
    ...v128.mul,
    ...v128.store(0),
    ...get(q as number),
    ...get(vdc as number),
    ...get(st as number),
    ...get(C_PREV),
    ...i32.add,
    ...v128.load(),
    ...v128.mul,
    ...gateSlope(hard, vf as number),
    ...v128.mul,
    ...v128.store(U),
    ...get(q as number),
    ...get(vdc as number),
    ...get(vi as number),
    ...v128.mul,
    ...v128.f32x4(1),
    ...get(vg as number),
    ...get(vg as number),
    ...v128.mul,
    ...v128.sub,
    ...v128.mul,
    ...v128.store(2 * U),
    ...get(q as number),
    ...get(vdh as number),
    ...get(vt as number),
    ...v128.mul,
    ...gateSlope(hard, vo as number),
    ...v128.mul,
    ...v128.store(3 * U),
  ];
  const outer: number[] = [
    ...rowAddress(GATES, get(k as number), W, gRow as number),
    ...get(k as number),
    ...i32Const(U),
    ...i32.mul,
    ...set(sRow as number),
    ...rowAddress(DH, batchRow, U, dhRow as number),
    ...rowAddress(DC, batchRow, U, dcRow as number),
    ...i32Const(0),
    ...set(j as number),
    ...countedLoop(j as number, i32Const(U), 16, inner),
  ];
  fn.emit(i32Const(0), set(k as number), countedLoop(k as number, get(N), 1, outer));
  return fn;
}
