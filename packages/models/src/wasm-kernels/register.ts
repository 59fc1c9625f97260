import type { KernelConfig } from '@tensorflow/tfjs-core';
import { tf } from '../tfjs.js';
import { registerFastGather } from './gather.js';
import { registerFastReverse } from './reverse.js';
import { registerSharedDataKernels } from './shared-data.js';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.js';

/**
 * Kernels training needs that tfjs-backend-wasm 4.22 lacks. Found by running a training step of
 * every model this package builds on wasm (test/wasm-kernels/training-step.test.ts keeps that
 * check): only `UnsortedSegmentSum` (the gradient of the embedding gather) was missing.
 */
export const WASM_TRAINING_KERNELS: readonly KernelConfig[] = [unsortedSegmentSumConfig];

/**
 * Registers the kernels above for 'wasm', leaving alone any a newer wasm backend provides, and
 * swaps in the faster `GatherV2` (gather.ts) and `Reverse` (reverse.ts), and the copy-free
 * `Identity` and no-op `Transpose` (shared-data.ts).
 */
export function registerWasmKernels(): void {
  for (const config of WASM_TRAINING_KERNELS) {
    if (tf.getKernel(config.kernelName, 'wasm') === undefined) tf.registerKernel(config);
  }
  registerFastGather();
  registerSharedDataKernels();
  registerFastReverse();
}
