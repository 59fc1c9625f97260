import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { Tensor1D } from '@tensorflow/tfjs-core';
import { tf } from '../tfjs.js';
import { heapView } from '../wasm-kernels/heap.js';
import { tanh } from './sequence-layout.js';

/**
 * `tanh` over one step's worth of values (`rows × units`) at once. The step loops fill `input()`,
 * call `run(length)`, and read the result from the returned array.
 *
 * On wasm this is one `Sigmoid` op over the buffer, as `tanh(x) = 2·σ(2x) − 1`: tfjs-backend-wasm
 * runs `Sigmoid` through XNNPACK's SIMD kernel at ~1 ns an element, where a JavaScript tanh costs
 * ~10 ns and wasm's own `Tanh` (scalar) ~18 ns; the two tanh of an LSTM unit were most of the
 * fused layer's JavaScript time. The input lives in the heap (no copy in); the result is copied
 * out, so it stays valid across later tf calls. Elsewhere (cpu, tfjs-node) the values are
 * computed in place with the rational `tanh` of sequence-layout.ts: no tf call per step.
 * Absolute error on wasm ~2e-7 (from σ's float32 rounding), like the rational one.
 */
export class VectorTanh {
  private readonly capacity: number;
  private readonly wasm: BackendWasm | null;
  private readonly heapInput: Tensor1D | null;
  private readonly scratch: Float32Array;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.wasm = tf.getBackend() === 'wasm' ? (tf.backend() as BackendWasm) : null;
    this.heapInput = this.wasm === null ? null : (tf.zeros([capacity]) as Tensor1D);
    this.scratch = new Float32Array(capacity);
  }

  /** Where to write the values; valid until the next tf call (a heap view on wasm). */
  input(): Float32Array {
    if (this.wasm === null || this.heapInput === null) return this.scratch;
    return heapView(this.wasm, this.heapInput) as Float32Array;
  }

  /** tanh of the first `length` values written to `input()`; valid until the next `run`. */
  run(length: number): Float32Array {
    const out = this.scratch;
    if (this.wasm === null || this.heapInput === null) {
      for (let i = 0; i < length; i++) out[i] = tanh(out[i] as number);
      return out;
    }
    const x = heapView(this.wasm, this.heapInput) as Float32Array;
    for (let i = 0; i < length; i++) x[i] = 2 * (x[i] as number);
    // The whole buffer goes through (past `length` it holds stale, finite values): one shape,
    // so XNNPACK reuses its operator, and the few extra elements cost less than a new tensor.
    const s = tf.sigmoid(this.heapInput);
    const sig = heapView(this.wasm, s) as Float32Array;
    for (let i = 0; i < length; i++) out[i] = 2 * (sig[i] as number) - 1;
    s.dispose();
    return out;
  }

  dispose(): void {
    this.heapInput?.dispose();
  }

  get size(): number {
    return this.capacity;
  }
}
