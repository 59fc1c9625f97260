/**
 * Adam's element-wise update as one WebAssembly SIMD loop over tfjs-backend-wasm's own heap.
 *
 * tfjs-core's `AdamOptimizer` updates each variable with a dozen whole-tensor ops; for the
 * 20,000×64 embedding table that is a dozen 5 MB passes, ~12 ms a training step on this machine
 * (`npm run bench:train` times both). A JavaScript loop was tried and was slower still (scalar
 * math against XNNPACK's SIMD ops). This tiny module, assembled below with `@newscell/wasm-bytes`
 * (no toolchain needed at build or run time), imports the backend's `WebAssembly.Memory` and does
 * the whole update in one pass, four lanes at a time, with exactly tfjs's operations in tfjs's
 * order — float32 SIMD arithmetic is IEEE-exact, so the results equal `tf.train.adam`'s bit for
 * bit (tested).
 *
 * Exported: `adam(p, m, v, g, outP, outM, outV, endBytes, b1, b2, c1, c2, k1, k2, eps, step)`,
 * pointers being byte offsets into the heap and `endBytes` a multiple of 16:
 * `m' = m·b1 + g·c1`, `v' = v·b2 + (g·g)·c2`, `p' = ((m'/k1) / (√(v'/k2) + eps))·step + p`.
 */
import {
  type Code,
  countedLoop,
  F32,
  FunctionBuilder,
  f32x4,
  get,
  I32,
  i32,
  memoryKernelModule,
  set,
  V128,
  v128,
  webAssembly,
} from '@newscell/wasm-bytes';
import type { WasmMemory } from './heap.js';

/** The scalars after the eight i32 parameters, in parameter order. */
const SCALARS = ['b1', 'b2', 'c1', 'c2', 'k1', 'k2', 'eps', 'step'] as const;

function moduleBytes(): Uint8Array {
  const fn = new FunctionBuilder([...Array(8).fill(I32), ...Array(8).fill(F32)]);
  const [P, M, V, G, OUT_P, OUT_M, OUT_V, END] = [0, 1, 2, 3, 4, 5, 6, 7];
  const i = fn.local(I32); // byte offset, from 0
  // The scalars splatted once, before the loop.
  const splat = Object.fromEntries(SCALARS.map((scalar) => [scalar, fn.local(V128)])) as Record<
    (typeof SCALARS)[number],
    number
  >;
  const [gv, mv, vv] = [fn.local(V128), fn.local(V128), fn.local(V128)];
  const at = (pointer: number): Code => [...get(pointer), ...get(i), ...i32.add];
  fn.emit(
    SCALARS.flatMap((scalar, s) => [...get(8 + s), ...f32x4.splat, ...set(splat[scalar])]),
    countedLoop(i, get(END), 16, [
      ...at(G),
      ...v128.load(),
      ...set(gv),
      // m' = m·b1 + g·c1
      ...at(M),
      ...v128.load(),
      ...get(splat.b1),
      ...f32x4.mul,
      ...get(gv),
      ...get(splat.c1),
      ...f32x4.mul,
      ...f32x4.add,
      ...set(mv),
      // v' = v·b2 + (g·g)·c2
      ...at(V),
      ...v128.load(),
      ...get(splat.b2),
      ...f32x4.mul,
      ...get(gv),
      ...get(gv),
      ...f32x4.mul,
      ...get(splat.c2),
      ...f32x4.mul,
      ...f32x4.add,
      ...set(vv),
      ...at(OUT_M),
      ...get(mv),
      ...v128.store(),
      ...at(OUT_V),
      ...get(vv),
      ...v128.store(),
      // p' = ((m'/k1) / (sqrt(v'/k2) + eps))·step + p
      ...at(OUT_P),
      ...get(mv),
      ...get(splat.k1),
      ...f32x4.div,
      ...get(vv),
      ...get(splat.k2),
      ...f32x4.div,
      ...f32x4.sqrt,
      ...get(splat.eps),
      ...f32x4.add,
      ...f32x4.div,
      ...get(splat.step),
      ...f32x4.mul,
      ...at(P),
      ...v128.load(),
      ...f32x4.add,
      ...v128.store(),
    ]),
  );
  return memoryKernelModule(new Map([['adam', fn]]));
}

export type AdamSimd = (
  p: number,
  m: number,
  v: number,
  g: number,
  outP: number,
  outM: number,
  outV: number,
  endBytes: number,
  b1: number,
  b2: number,
  c1: number,
  c2: number,
  k1: number,
  k2: number,
  eps: number,
  step: number,
) => void;

const instances = new WeakMap<WasmMemory, AdamSimd>();

/**
 * The update function bound to `memory`, or null where WebAssembly SIMD is unavailable (the
 * caller then keeps tfjs's own update).
 */
export function adamSimdFor(memory: WasmMemory): AdamSimd | null {
  const cached = instances.get(memory);
  if (cached !== undefined) return cached;
  const bytes = moduleBytes();
  const api = webAssembly();
  if (api === undefined || !api.validate(bytes)) return null;
  const instance = new api.Instance(new api.Module(bytes), { env: { memory } });
  const adam = instance.exports.adam as AdamSimd;
  instances.set(memory, adam);
  return adam;
}
