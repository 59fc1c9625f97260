/**
 * The innermost step of skip-gram training — one context word against its positive target and
 * its negatives — in two interchangeable forms over the same memory layout:
 *
 * - `wasm-simd`: a WebAssembly module, generated here byte by byte with the layout's offsets
 *   baked in as constants, that works on four floats per instruction (f32x4). About 4× the
 *   plain-JS speed on the 2-core build machine; see the README's benchmark.
 * - `js`: the same arithmetic in plain JavaScript over Float32Array views, for runtimes without
 *   WebAssembly SIMD and as the reference the wasm kernel is tested against.
 *
 * Layout (byte offsets, one linear memory): sigmoid table at 0, target row offsets (i32) at
 * TARGETS, the neu1e accumulator at NEU, then syn0 and syn1, each `rows × stride` floats, where
 * the stride is dim rounded up to a multiple of 8 (two f32x4 blocks per loop turn). Padding lanes start at zero and stay zero
 * (every update multiplies them by a zero), so they never change a dot product.
 */
import {
  F32,
  f32,
  I32,
  MODULE_HEADER,
  name,
  section,
  sleb,
  uleb,
  V128,
  vec,
  webAssembly,
} from '@newscell/wasm-bytes';
import { EmbeddingsError } from './errors.js';
import { MAX_EXP, SIGMOID_TABLE_SIZE, sigmoidTable } from './negative-sampling.js';

export type SkipGramKernelKind = 'wasm-simd' | 'js';

export interface SkipGramKernel {
  kind: SkipGramKernelKind;
  /** Floats per row in memory (dim rounded up to a multiple of 8). */
  stride: number;
  /** Byte offset of row 0 of the input vectors (syn0) and output vectors (syn1). */
  syn0: number;
  syn1: number;
  /** Int32 view of the target list: entry i is the byte offset of a syn1 row; entry 0 is the positive. */
  targets: Int32Array;
  /** Float32 view of all memory (index = byte offset / 4). */
  floats: Float32Array;
  /**
   * Trains context row `l1` (byte offset in syn0) against the first `count` targets with
   * learning rate `alpha`: word2vec's negative-sampling update.
   */
  pair(l1: number, count: number, alpha: number): void;
}

const wasm = webAssembly();

const TARGETS = 4096;
const MAX_TARGETS = 1024;
const NEU = TARGETS + MAX_TARGETS * 4;

/** True when this runtime can compile the SIMD kernel. */
export function wasmSimdAvailable(): boolean {
  try {
    return wasm?.validate(kernelModuleBytes(32, 1 << 16)) ?? false;
  } catch {
    return false;
  }
}

export function createSkipGramKernel(
  kind: SkipGramKernelKind,
  rows: number,
  dim: number,
  negatives: number,
): SkipGramKernel {
  if (negatives + 1 > MAX_TARGETS) throw new RangeError(`at most ${MAX_TARGETS - 1} negatives`);
  const stride = Math.ceil(dim / 8) * 8;
  const rowBytes = stride * 4;
  const syn0 = align(NEU + rowBytes, 64);
  const syn1 = align(syn0 + rows * rowBytes, 64);
  const bytes = syn1 + rows * rowBytes;
  if (bytes > 2 ** 32) {
    throw new EmbeddingsError(
      `skip-gram needs ${(bytes / 2 ** 30).toFixed(1)} GiB for ${rows} rows × ${dim} dims; the limit is 4 GiB — lower maxSize or dim`,
      { code: 'INVALID_CONFIG', details: { rows, dim } },
    );
  }
  let memory: ArrayBuffer;
  let pair: SkipGramKernel['pair'];
  if (kind === 'wasm-simd') {
    if (wasm === undefined) throw new Error('WebAssembly is not available in this runtime');
    const instance = new wasm.Instance(new wasm.Module(kernelModuleBytes(rowBytes, bytes)), {});
    memory = (instance.exports['memory'] as { buffer: ArrayBuffer }).buffer;
    pair = instance.exports['pair'] as SkipGramKernel['pair'];
  } else {
    memory = new ArrayBuffer(bytes);
    pair = jsPair(new Float32Array(memory), new Int32Array(memory), stride);
  }
  const floats = new Float32Array(memory);
  floats.set(sigmoidTable(), 0);
  return {
    kind,
    stride,
    syn0,
    syn1,
    targets: new Int32Array(memory, TARGETS, MAX_TARGETS),
    floats,
    pair,
  };
}

function jsPair(floats: Float32Array, ints: Int32Array, stride: number): SkipGramKernel['pair'] {
  const neu = NEU >> 2;
  const targets = TARGETS >> 2;
  const sigmoidScale = SIGMOID_TABLE_SIZE / MAX_EXP / 2;
  return (l1Bytes, count, alpha) => {
    const l1 = l1Bytes >> 2;
    for (let k = 0; k < stride; k++) floats[neu + k] = 0;
    for (let t = 0; t < count; t++) {
      const l2 = (ints[targets + t] as number) >> 2;
      let f0 = 0;
      let f1 = 0;
      let f2 = 0;
      let f3 = 0;
      for (let k = 0; k < stride; k += 4) {
        f0 += (floats[l1 + k] as number) * (floats[l2 + k] as number);
        f1 += (floats[l1 + k + 1] as number) * (floats[l2 + k + 1] as number);
        f2 += (floats[l1 + k + 2] as number) * (floats[l2 + k + 2] as number);
        f3 += (floats[l1 + k + 3] as number) * (floats[l2 + k + 3] as number);
      }
      const f = f0 + f1 + f2 + f3;
      const label = t === 0 ? 1 : 0;
      let g: number;
      if (f >= MAX_EXP) g = label - 1;
      else if (f <= -MAX_EXP) g = label;
      else g = label - (floats[Math.trunc((f + MAX_EXP) * sigmoidScale)] as number);
      g *= alpha;
      for (let k = 0; k < stride; k++) {
        const w = floats[l2 + k] as number;
        floats[neu + k] = (floats[neu + k] as number) + g * w;
        floats[l2 + k] = w + g * (floats[l1 + k] as number);
      }
    }
    for (let k = 0; k < stride; k++)
      floats[l1 + k] = (floats[l1 + k] as number) + (floats[neu + k] as number);
  };
}

function align(value: number, to: number): number {
  return Math.ceil(value / to) * to;
}

// --- WebAssembly encoding -------------------------------------------------------------------

const op = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  brIf: 0x0d,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  f32Load: 0x2a,
  i32Const: 0x41,
  f32Const: 0x43,
  i32Eqz: 0x45,
  i32LtU: 0x49,
  f32Le: 0x5f,
  f32Ge: 0x60,
  i32Add: 0x6a,
  i32Shl: 0x74,
  f32Add: 0x92,
  f32Sub: 0x93,
  f32Mul: 0x94,
} as const;
const simd = {
  load: 0x00,
  store: 0x0b,
  f32x4Splat: 0x13,
  f32x4ExtractLane: 0x1f,
  f32x4Add: 0xe4,
  f32x4Mul: 0xe6,
};

/** The module: one exported memory sized for the layout and `pair(l1: i32, count: i32, alpha: f32)`. */
function kernelModuleBytes(rowBytes: number, memoryBytes: number): Uint8Array {
  // Locals: 0 l1, 1 count, 2 alpha (params); 3 t, 4 l2, 5 k; 6 acc, 7 acc2; 8 f, 9 g; 10 gv, 11 w; 12 label.
  const [L1, COUNT, ALPHA, T, L2, K, ACC, ACC2, F, G, GV, W, LABEL] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
  ];
  const get = (i: number) => [op.localGet, i];
  const set = (i: number) => [op.localSet, i];
  const i32c = (v: number) => [op.i32Const, ...sleb(v)];
  const f32c = (v: number) => [op.f32Const, ...f32(v)];
  const s = (code: number, ...imm: number[]) => [0xfd, ...uleb(code), ...imm];
  const memarg = (offset: number) => [0, ...uleb(offset)];
  const v128Load = (offset = 0) => s(simd.load, ...memarg(offset));
  const v128Store = (offset = 0) => s(simd.store, ...memarg(offset));
  // for (k = 0; k < rowBytes; k += 32) { body(k, +0); body(k, +16) }: two f32x4 blocks per turn
  // (rows are padded to 8 floats), addressed through the load/store offset immediates.
  const overRow = (body: (offset: number) => number[]) => [
    ...i32c(0),
    ...set(K),
    op.loop,
    0x40,
    ...body(0),
    ...body(16),
    ...get(K),
    ...i32c(32),
    op.i32Add,
    op.localTee,
    K,
    ...i32c(rowBytes),
    op.i32LtU,
    op.brIf,
    0,
    op.end,
  ];
  const lane = (i: number) => [...get(ACC), ...s(simd.f32x4ExtractLane, i)];
  const body = [
    // neu1e = 0
    ...overRow((o) => [...get(K), ...f32c(0), ...s(simd.f32x4Splat), ...v128Store(NEU + o)]),
    ...i32c(0),
    ...set(T),
    op.loop,
    0x40,
    // l2 = targets[t]
    ...get(T),
    ...i32c(2),
    op.i32Shl,
    op.i32Load,
    2,
    ...uleb(TARGETS),
    ...set(L2),
    // acc, acc2 = Σ syn0[l1..] * syn1[l2..] over alternate blocks (two chains halve add latency)
    ...f32c(0),
    ...s(simd.f32x4Splat),
    op.localTee,
    ACC,
    ...set(ACC2),
    ...overRow((o) => [
      ...get(o === 0 ? ACC : ACC2),
      ...get(L1),
      ...get(K),
      op.i32Add,
      ...v128Load(o),
      ...get(L2),
      ...get(K),
      op.i32Add,
      ...v128Load(o),
      ...s(simd.f32x4Mul),
      ...s(simd.f32x4Add),
      ...set(o === 0 ? ACC : ACC2),
    ]),
    ...get(ACC),
    ...get(ACC2),
    ...s(simd.f32x4Add),
    ...set(ACC),
    ...lane(0),
    ...lane(1),
    op.f32Add,
    ...lane(2),
    op.f32Add,
    ...lane(3),
    op.f32Add,
    ...set(F),
    // label = t == 0 ? 1 : 0
    ...f32c(1),
    ...f32c(0),
    ...get(T),
    op.i32Eqz,
    op.select,
    ...set(LABEL),
    // g = label - σ(f), with σ clamped outside ±MAX_EXP
    ...get(F),
    ...f32c(MAX_EXP),
    op.f32Ge,
    op.if,
    0x40,
    ...get(LABEL),
    ...f32c(1),
    op.f32Sub,
    ...set(G),
    op.else,
    ...get(F),
    ...f32c(-MAX_EXP),
    op.f32Le,
    op.if,
    0x40,
    ...get(LABEL),
    ...set(G),
    op.else,
    ...get(LABEL),
    ...get(F),
    ...f32c(MAX_EXP),
    op.f32Add,
    ...f32c(SIGMOID_TABLE_SIZE / MAX_EXP / 2),
    op.f32Mul,
    // i32.trunc_sat_f32_s: a NaN from diverged training must not trap; the caller reports it.
    0xfc,
    0x00,
    ...i32c(2),
    op.i32Shl,
    op.f32Load,
    2,
    0,
    op.f32Sub,
    ...set(G),
    op.end,
    op.end,
    ...get(G),
    ...get(ALPHA),
    op.f32Mul,
    ...s(simd.f32x4Splat),
    ...set(GV),
    // neu1e += g·syn1[l2]; syn1[l2] += g·syn0[l1]
    ...overRow((o) => [
      ...get(L2),
      ...get(K),
      op.i32Add,
      ...v128Load(o),
      ...set(W),
      ...get(K),
      ...get(K),
      ...v128Load(NEU + o),
      ...get(GV),
      ...get(W),
      ...s(simd.f32x4Mul),
      ...s(simd.f32x4Add),
      ...v128Store(NEU + o),
      ...get(L2),
      ...get(K),
      op.i32Add,
      ...get(W),
      ...get(GV),
      ...get(L1),
      ...get(K),
      op.i32Add,
      ...v128Load(o),
      ...s(simd.f32x4Mul),
      ...s(simd.f32x4Add),
      ...v128Store(o),
    ]),
    ...get(T),
    ...i32c(1),
    op.i32Add,
    op.localTee,
    T,
    ...get(COUNT),
    op.i32LtU,
    op.brIf,
    0,
    op.end,
    // syn0[l1] += neu1e
    ...overRow((o) => [
      ...get(L1),
      ...get(K),
      op.i32Add,
      ...get(L1),
      ...get(K),
      op.i32Add,
      ...v128Load(o),
      ...get(K),
      ...v128Load(NEU + o),
      ...s(simd.f32x4Add),
      ...v128Store(o),
    ]),
    op.end,
  ];
  const locals = vec([
    [3, I32],
    [2, V128],
    [2, F32],
    [2, V128],
    [1, F32],
  ]);
  const code = [...locals, ...body];
  const pages = Math.ceil(memoryBytes / 65536);
  return Uint8Array.from([
    ...MODULE_HEADER,
    ...section(1, vec([[0x60, ...vec([[I32], [I32], [F32]]), ...vec([])]])),
    ...section(3, vec([uleb(0)])),
    ...section(5, vec([[0x00, ...uleb(pages)]])),
    ...section(
      7,
      vec([
        [...name('memory'), 0x02, 0],
        [...name('pair'), 0x00, 0],
      ]),
    ),
    ...section(10, vec([[...uleb(code.length), ...code]])),
  ]);
}
