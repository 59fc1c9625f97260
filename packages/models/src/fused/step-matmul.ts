import type { Tensor2D } from '@tensorflow/tfjs-core';
import { tf } from '../tfjs.js';

/**
 * One recurrent matrix product per time step, `a · W` (or `a · Wᵀ`), with `a` a plain
 * Float32Array the step loop owns. The product runs on the active backend (XNNPACK on wasm does
 * ~25 GFLOP/s at these sizes, an order of magnitude above a JavaScript loop), everything around it
 * stays in JavaScript: that is what replaces tfjs-layers' dozens of small ops per step.
 * Only tf ops and `dataSync`, so it is correct on every backend.
 */
export class StepMatMul {
  readonly inner: number;
  private readonly weights: Tensor2D;

  /**
   * With `transposeWeights` the transpose is made once here: tfjs-backend-wasm's matMul with
   * `transposeB` (or `transposeA`) is 10–1000× slower than on a transposed copy at these shapes
   * (`node bench`-style timing: 6.4 ms vs 0.3 ms for 64×512 · (128×512)ᵀ). Call `dispose`.
   */
  constructor(weights: Tensor2D, transposeWeights: boolean) {
    this.weights = transposeWeights ? tf.transpose(weights) : weights;
    this.owned = transposeWeights;
    this.inner = this.weights.shape[0];
  }

  private readonly owned: boolean;

  dispose(): void {
    if (this.owned) this.weights.dispose();
  }

  /**
   * `rows × inner` times the weights. The result must be read before the next call and never
   * written to (on the cpu backend it is the output tensor's own storage).
   */
  run(a: Float32Array, rows: number): Float32Array {
    const left = tf.tensor2d(a, [rows, this.inner]);
    const product = tf.matMul(left, this.weights);
    const values = product.dataSync() as Float32Array;
    left.dispose();
    product.dispose();
    return values;
  }
}
