import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import { sigmoid } from '../activations.js';
import { tf } from '../tfjs.js';
import { heapView } from '../wasm-kernels/heap.js';

/**
 * The logistic function over one step's worth of values (`rows × units`) at once; the step loops
 * get every `tanh` from it as `tanh(x) = 2·σ(2x) − 1`, writing `2x` into `input()` and reading
 * `2·s − 1` back, so no extra pass over the values is needed.
 *
 * On wasm this is one `Sigmoid` op: tfjs-backend-wasm runs it through XNNPACK's SIMD kernel at
 * a small fraction of the time per element of a JavaScript tanh or of wasm's own scalar `Tanh`
 * (`npm run bench:kernels`);
 * the two tanh of an LSTM unit were most of the fused layer's JavaScript time. Input and output
 * stay in the heap: no copies. Elsewhere (cpu, tfjs-node) the values are computed in place with
 * the rational approximation of activations.ts, with no tf call per step. Both within ~1e-7
 * of the exact function (tanh through it within ~2.5e-7).
 */
export class VectorSigmoid {
  private readonly wasm: BackendWasm | null;
  private readonly heapInput: Tensor1D | null;
  private output: Tensor | null = null;
  private readonly scratch: Float32Array;

  constructor(capacity: number) {
    this.wasm = tf.getBackend() === 'wasm' ? (tf.backend() as BackendWasm) : null;
    this.heapInput = this.wasm === null ? null : (tf.zeros([capacity]) as Tensor1D);
    this.scratch = this.wasm === null ? new Float32Array(capacity) : new Float32Array(0);
  }

  /** Where to write the values; valid until the next tf call (a heap view on wasm). */
  input(): Float32Array {
    if (this.wasm === null || this.heapInput === null) return this.scratch;
    return heapView(this.wasm, this.heapInput) as Float32Array;
  }

  /**
   * σ of the first `length` values written to `input()`. Valid until the next tf call or `run`
   * (on wasm a view of the output in the heap); read it at once.
   */
  run(length: number): Float32Array {
    if (this.wasm === null || this.heapInput === null) {
      const values = this.scratch;
      for (let i = 0; i < length; i++) values[i] = sigmoid(values[i] as number);
      return values;
    }
    this.output?.dispose();
    // The whole buffer goes through (past `length` it holds stale, finite values): one shape, so
    // the kernel's setup is reused, and the few extra elements cost less than a new tensor.
    this.output = tf.sigmoid(this.heapInput);
    return heapView(this.wasm, this.output) as Float32Array;
  }

  dispose(): void {
    this.heapInput?.dispose();
    this.output?.dispose();
    this.output = null;
  }
}
