import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { Tensor2D } from '@tensorflow/tfjs-core';
import { tf } from '../tfjs.js';
import { heapView } from '../wasm-kernels/heap.js';

/**
 * One recurrent matrix product per time step, `a · W` (or `a · Wᵀ`), with `a` a plain
 * Float32Array the step loop owns. The product runs on the active backend (XNNPACK on wasm does
 * ~25 GFLOP/s at these sizes, an order of magnitude above a JavaScript loop); everything around it
 * stays in JavaScript: that is what replaces tfjs-layers' dozens of small ops per step.
 *
 * On wasm the left operand is one tensor whose bytes in the wasm heap are overwritten each step,
 * and the product is read through a view on the heap: no copies, no garbage (the generic
 * `tensor2d` + `dataSync` path spent more time copying and collecting than multiplying). Every
 * other backend takes that generic path, which only uses public tf ops.
 */
export class StepMatMul {
  readonly inner: number;
  private readonly weights: Tensor2D;
  private readonly ownsWeights: boolean;
  private readonly wasm: BackendWasm | null;
  private left: Tensor2D | null = null;
  private product: Tensor2D | null = null;

  /**
   * With `transposeWeights` the transpose is made once, here: tfjs-backend-wasm's matMul with
   * `transposeB` (or `transposeA`) is 20–70× slower than on a transposed copy at these shapes
   * (6.4 ms against 0.3 ms for 64×512 · (128×512)ᵀ). `dispose` when done.
   */
  constructor(weights: Tensor2D, transposeWeights: boolean) {
    this.weights = transposeWeights ? tf.transpose(weights) : weights;
    this.ownsWeights = transposeWeights;
    this.inner = this.weights.shape[0];
    this.wasm = tf.getBackend() === 'wasm' ? (tf.backend() as BackendWasm) : null;
  }

  /**
   * `rows × inner` times the weights. The result is valid until the next tf call (a heap view on
   * wasm; on cpu the output tensor's own storage): read it at once and never write to it.
   */
  run(a: Float32Array, rows: number): Float32Array {
    if (this.wasm === null) {
      const left = tf.tensor2d(a.subarray(0, rows * this.inner), [rows, this.inner]);
      const product = tf.matMul(left, this.weights);
      const values = product.dataSync() as Float32Array;
      left.dispose();
      product.dispose();
      return values;
    }
    const left = this.prepare(rows) as Tensor2D;
    this.product?.dispose();
    // A view on a heap that grew since it was taken is detached (length 0): see `prepare`.
    if (a.length < rows * this.inner) {
      throw new Error(
        `StepMatMul: ${a.length} values for ${rows}×${this.inner} (a detached view?)`,
      );
    }
    (heapView(this.wasm, left) as Float32Array).set(a.subarray(0, rows * this.inner));
    const product = tf.matMul(left, this.weights) as Tensor2D;
    this.product = product;
    return heapView(this.wasm, product) as Float32Array;
  }

  /**
   * Makes the left operand for `rows` rows now (wasm), so that a heap view the caller takes
   * afterwards for `run`'s input stays valid: making it may grow the heap.
   */
  prepare(rows: number): Tensor2D | null {
    if (this.wasm === null) return null;
    if (this.left === null || this.left.shape[0] !== rows) {
      this.left?.dispose();
      this.left = tf.zeros([rows, this.inner]) as Tensor2D;
    }
    return this.left;
  }

  dispose(): void {
    this.left?.dispose();
    this.product?.dispose();
    this.left = null;
    this.product = null;
    if (this.ownsWeights) this.weights.dispose();
  }
}
