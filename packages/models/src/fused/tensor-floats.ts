import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../tfjs.js';
import { heapView } from '../wasm-kernels/heap.js';

/**
 * A float32 tensor's values for a step loop to read. On wasm, a view straight onto the tensor's
 * bytes in the heap instead of `dataSync`'s copy (for the whole-sequence input projection, ~1 MB
 * copied and collected per layer and batch); `get()` takes the view again when a tf call in the
 * loop grew the heap, which detaches every older view. Elsewhere, one `dataSync` copy.
 * Valid while the tensor lives; never written to.
 */
export class TensorFloats {
  private readonly tensor: Tensor;
  private readonly wasm: BackendWasm | null;
  private values: Float32Array;

  constructor(tensor: Tensor) {
    this.tensor = tensor;
    this.wasm = tf.getBackend() === 'wasm' ? (tf.backend() as BackendWasm) : null;
    this.values =
      this.wasm === null
        ? (tensor.dataSync() as Float32Array)
        : (heapView(this.wasm, tensor) as Float32Array);
  }

  /** Call again after any tf call: the array it returned before may be a detached view. */
  get(): Float32Array {
    // A detached view has length 0; only a growing heap detaches.
    if (this.wasm !== null && this.values.length === 0 && this.tensor.size > 0) {
      this.values = heapView(this.wasm, this.tensor) as Float32Array;
    }
    return this.values;
  }

  /** On wasm, the byte offset of the values in the heap (for the SIMD kernels); else null. */
  heapOffset(): number | null {
    return this.wasm === null ? null : this.get().byteOffset;
  }
}
