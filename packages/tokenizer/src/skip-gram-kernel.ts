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
  type Code,
  doWhileLoop,
  F32,
  FunctionBuilder,
  f32,
  f32x4,
  get,
  I32,
  i32,
  ifElse,
  kernelModule,
  select,
  set,
  tee,
  V128,
  v128,
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

// --- WebAssembly ---------------------------------------------------------------------------

/** The module: one exported memory sized for the layout and `pair(l1: i32, count: i32, alpha: f32)`. */
function kernelModuleBytes(rowBytes: number, memoryBytes: number): Uint8Array {
  const fn = new FunctionBuilder([I32, I32, F32]);
  const [L1, COUNT, ALPHA] = [0, 1, 2];
  const [T, L2, K] = [fn.local(I32), fn.local(I32), fn.local(I32)];
  const [ACC, ACC2] = [fn.local(V128), fn.local(V128)];
  const [F, G] = [fn.local(F32), fn.local(F32)];
  const [GV, W] = [fn.local(V128), fn.local(V128)];
  const LABEL = fn.local(F32);
  // for (k = 0; k < rowBytes; k += 32) { body(+0); body(+16) }: two f32x4 blocks per turn (rows
  // are padded to 8 floats), addressed through the load/store offset immediates; rowBytes ≥ 32.
  const overRow = (body: (offset: number) => Code): Code => [
    ...i32.const(0),
    ...set(K),
    ...doWhileLoop(K, i32.const(rowBytes), 32, [...body(0), ...body(16)]),
  ];
  const plus = (row: number): Code => [...get(row), ...get(K), ...i32.add];
  const lane = (i: number): Code => [...get(ACC), ...f32x4.extractLane(i)];
  fn.emit(
    // neu1e = 0
    overRow((o) => [...get(K), ...f32.const(0), ...f32x4.splat, ...v128.store(NEU + o)]),
    i32.const(0),
    set(T),
    // count ≥ 1: the positive target is always there.
    doWhileLoop(T, get(COUNT), 1, [
      // l2 = targets[t]
      ...get(T),
      ...i32.const(2),
      ...i32.shl,
      ...i32.load(TARGETS),
      ...set(L2),
      // acc, acc2 = Σ syn0[l1..] * syn1[l2..] over alternate blocks (two chains halve add latency)
      ...f32.const(0),
      ...f32x4.splat,
      ...tee(ACC),
      ...set(ACC2),
      ...overRow((o) => [
        ...get(o === 0 ? ACC : ACC2),
        ...plus(L1),
        ...v128.load(o),
        ...plus(L2),
        ...v128.load(o),
        ...f32x4.mul,
        ...f32x4.add,
        ...set(o === 0 ? ACC : ACC2),
      ]),
      ...get(ACC),
      ...get(ACC2),
      ...f32x4.add,
      ...set(ACC),
      ...lane(0),
      ...lane(1),
      ...f32.add,
      ...lane(2),
      ...f32.add,
      ...lane(3),
      ...f32.add,
      ...set(F),
      // label = t == 0 ? 1 : 0
      ...f32.const(1),
      ...f32.const(0),
      ...get(T),
      ...i32.eqz,
      ...select,
      ...set(LABEL),
      // g = label - σ(f), with σ clamped outside ±MAX_EXP
      ...get(F),
      ...f32.const(MAX_EXP),
      ...f32.ge,
      ...ifElse(
        [...get(LABEL), ...f32.const(1), ...f32.sub, ...set(G)],
        [
          ...get(F),
          ...f32.const(-MAX_EXP),
          ...f32.le,
          ...ifElse(
            [...get(LABEL), ...set(G)],
            [
              ...get(LABEL),
              ...get(F),
              ...f32.const(MAX_EXP),
              ...f32.add,
              ...f32.const(SIGMOID_TABLE_SIZE / MAX_EXP / 2),
              ...f32.mul,
              // saturating: a NaN from diverged training must not trap; the caller reports it.
              ...i32.truncSatF32S,
              ...i32.const(2),
              ...i32.shl,
              ...f32.load(),
              ...f32.sub,
              ...set(G),
            ],
          ),
        ],
      ),
      ...get(G),
      ...get(ALPHA),
      ...f32.mul,
      ...f32x4.splat,
      ...set(GV),
      // neu1e += g·syn1[l2]; syn1[l2] += g·syn0[l1]
      ...overRow((o) => [
        ...plus(L2),
        ...v128.load(o),
        ...set(W),
        ...get(K),
        ...get(K),
        ...v128.load(NEU + o),
        ...get(GV),
        ...get(W),
        ...f32x4.mul,
        ...f32x4.add,
        ...v128.store(NEU + o),
        ...plus(L2),
        ...get(W),
        ...get(GV),
        ...plus(L1),
        ...v128.load(o),
        ...f32x4.mul,
        ...f32x4.add,
        ...v128.store(o),
      ]),
    ]),
    // syn0[l1] += neu1e
    overRow((o) => [
      ...plus(L1),
      ...plus(L1),
      ...v128.load(o),
      ...get(K),
      ...v128.load(NEU + o),
      ...f32x4.add,
      ...v128.store(o),
    ]),
  );
  return kernelModule(new Map([['pair', fn]]), {
    pages: Math.ceil(memoryBytes / 65536),
    export: 'memory',
  });
}
