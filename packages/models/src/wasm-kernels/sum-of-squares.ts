import {
  countedLoop,
  F32,
  FunctionBuilder,
  f32,
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
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../tfjs.js';
import { heapMemory, heapOffset, heapView, type WasmMemory, wasmBackend } from './heap.js';

/**
 * `Σ x²` of a float32 tensor: the global-norm gradient clipping's one pass over every gradient
 * per training step. tfjs's `sum(square(g))` is two passes and a temporary the size of the
 * gradient (`npm run bench:kernels` times both on the 20,000×64 embedding); on wasm this is
 * one WebAssembly SIMD loop over the tensor in the heap, eight float32 partial sums per chunk of
 * `CHUNK` values and the chunks added in float64 (within ~1e-6 of the exact sum on 1.28 M
 * values, where tfjs's float32 `sum` was 7.5e-4 off). Elsewhere, tfjs's ops.
 */
export function sumOfSquares(x: Tensor): Scalar {
  const backend = wasmBackend();
  const memory = backend === null ? null : heapMemory(backend);
  const kernel = memory === null || x.dtype !== 'float32' ? null : kernelFor(memory);
  if (backend === null || kernel === null) return tf.tidy(() => tf.sum(tf.square(x)));
  const at = heapOffset(backend, x);
  const blocks = Math.floor(x.size / 8) * 8; // two f32x4 per turn
  let total = 0;
  for (let from = 0; from < blocks; from += CHUNK) {
    total += kernel(at + from * 4, Math.min(CHUNK, blocks - from) * 4);
  }
  const values = heapView(backend, x);
  for (let i = blocks; i < x.size; i++) total += (values[i] as number) ** 2;
  return tf.scalar(total);
}

/** Values per kernel call (a multiple of 8). */
const CHUNK = 16_384;

type SumSquares = (pointer: number, bytes: number) => number;
const kernels = new WeakMap<WasmMemory, SumSquares | null>();

function kernelFor(memory: WasmMemory): SumSquares | null {
  if (kernels.has(memory)) return kernels.get(memory) ?? null;
  const fn = new FunctionBuilder([I32, I32], [F32]);
  const [POINTER, BYTES] = [0, 1];
  const at = fn.local(I32);
  const [a, b] = [fn.local(V128), fn.local(V128)];
  const square = (offset: number) => [
    ...get(POINTER),
    ...get(at),
    ...i32.add,
    ...v128.load(offset),
    ...get(POINTER),
    ...get(at),
    ...i32.add,
    ...v128.load(offset),
    ...f32x4.mul,
  ];
  fn.emit(
    countedLoop(at, get(BYTES), 32, [
      ...get(a),
      ...square(0),
      ...f32x4.add,
      ...set(a),
      ...get(b),
      ...square(16),
      ...f32x4.add,
      ...set(b),
    ]),
    get(a),
    get(b),
    f32x4.add,
    set(a),
    [0, 1, 2, 3].flatMap((lane, i) => [
      ...get(a),
      ...f32x4.extractLane(lane),
      ...(i === 0 ? [] : f32.add),
    ]),
  );
  const bytes = memoryKernelModule(new Map([['sum_squares', fn]]));
  const api = webAssembly();
  const kernel = api?.validate(bytes)
    ? (new api.Instance(new api.Module(bytes), { env: { memory } }).exports
        .sum_squares as SumSquares)
    : null;
  kernels.set(memory, kernel);
  return kernel;
}
