/**
 * Adam's element-wise update as one WebAssembly SIMD loop over tfjs-backend-wasm's own heap.
 *
 * tfjs-core's `AdamOptimizer` updates each variable with a dozen whole-tensor ops; for the
 * 20,000×64 embedding table that is a dozen 5 MB passes, ~12 ms a training step on this machine
 * (`npm run bench:train` times both). A JavaScript loop was tried and was slower still (scalar
 * math against XNNPACK's SIMD ops). This tiny module, assembled below byte by byte (no toolchain needed
 * at build or run time), imports the backend's `WebAssembly.Memory` and does the whole update in
 * one pass, four lanes at a time, with exactly tfjs's operations in tfjs's order — float32 SIMD
 * arithmetic is IEEE-exact, so the results equal `tf.train.adam`'s bit for bit (tested).
 *
 * Exported: `adam(p, m, v, g, outP, outM, outV, endBytes, b1, b2, c1, c2, k1, k2, eps, step)`,
 * pointers being byte offsets into the heap and `endBytes` a multiple of 16:
 * `m' = m·b1 + g·c1`, `v' = v·b2 + (g·g)·c2`, `p' = ((m'/k1) / (√(v'/k2) + eps))·step + p`.
 */
import {
  F32,
  I32,
  MODULE_HEADER,
  name,
  section,
  sleb,
  uleb,
  V128,
  webAssembly,
} from '@newscell/wasm-bytes';
import type { WasmMemory } from './heap.js';

const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const simd = (op: number) => [0xfd, ...uleb(op)];
/** v128.load / v128.store with a 4-byte alignment hint and offset 0. */
const load = [...simd(0x00), 0x02, 0x00];
const store = [...simd(0x0b), 0x02, 0x00];
const splat = simd(0x13);
const sqrt = simd(0xe3);
const add = simd(0xe4);
const mul = simd(0xe6);
const div = simd(0xe7);

// Parameters: 0–6 pointers, 7 endBytes, 8–15 the f32 scalars; then locals.
const [P, M, V, G, OUT_P, OUT_M, OUT_V, END] = [0, 1, 2, 3, 4, 5, 6, 7];
const SCALARS = 8; // b1 b2 c1 c2 k1 k2 eps step
const I = 16; // i32 byte offset
const SPLAT = 17; // eight v128 splats of the scalars, same order
const [GV, MV, VV] = [25, 26, 27];
const at = (pointer: number) => [...get(pointer), ...get(I), 0x6a]; // pointer + i

function body(): number[] {
  const code: number[] = [];
  for (let s = 0; s < 8; s++) code.push(...get(SCALARS + s), ...splat, ...set(SPLAT + s));
  const [B1, B2, C1, C2, K1, K2, EPS, STEP] = [0, 1, 2, 3, 4, 5, 6, 7].map((s) => SPLAT + s) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  code.push(0x02, 0x40, 0x03, 0x40); // block, loop
  code.push(...get(I), ...get(END), 0x4f, 0x0d, 0x01); // if i >= end: break
  code.push(...at(G), ...load, ...set(GV));
  // m' = m·b1 + g·c1
  code.push(...at(M), ...load, ...get(B1), ...mul, ...get(GV), ...get(C1), ...mul, ...add);
  code.push(...set(MV));
  // v' = v·b2 + (g·g)·c2
  code.push(...at(V), ...load, ...get(B2), ...mul);
  code.push(...get(GV), ...get(GV), ...mul, ...get(C2), ...mul, ...add, ...set(VV));
  code.push(...at(OUT_M), ...get(MV), ...store);
  code.push(...at(OUT_V), ...get(VV), ...store);
  // p' = ((m'/k1) / (sqrt(v'/k2) + eps))·step + p
  code.push(...at(OUT_P));
  code.push(...get(MV), ...get(K1), ...div);
  code.push(...get(VV), ...get(K2), ...div, ...sqrt, ...get(EPS), ...add, ...div);
  code.push(...get(STEP), ...mul, ...at(P), ...load, ...add, ...store);
  code.push(...get(I), 0x41, ...sleb(16), 0x6a, ...set(I)); // i += 16
  code.push(0x0c, 0x00, 0x0b, 0x0b); // br loop; end loop; end block
  code.push(0x0b); // end function
  const locals = [0x02, 0x01, I32, ...uleb(11), V128];
  const fn = [...locals, ...code];
  return [...uleb(fn.length), ...fn];
}

function moduleBytes(): Uint8Array {
  const type = [0x01, 0x60, 16, ...Array(8).fill(I32), ...Array(8).fill(F32), 0x00];
  const imports = [0x01, ...name('env'), ...name('memory'), 0x02, 0x00, 0x00];
  return Uint8Array.from([
    ...MODULE_HEADER,
    ...section(1, type),
    ...section(2, imports),
    ...section(3, [0x01, 0x00]),
    ...section(7, [0x01, ...name('adam'), 0x00, 0x00]),
    ...section(10, [0x01, ...body()]),
  ]);
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
