import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo, TransposeAttrs } from '@tensorflow/tfjs-core';
import { tf } from '../tfjs.js';
import { swapWasmKernel, type WasmKernelArgs } from './swap.js';

/**
 * `Identity` and no-op `Transpose` on wasm without a copy. tfjs-backend-wasm 4.22 copies the
 * whole tensor for both, where tfjs's cpu backend (and wasm's own `Reshape`) hand out the same
 * data with its reference count raised — tensors are immutable, so sharing is safe. A training
 * step clones the 20,000×64 embedding table (the tape keeps the gather's input) and transposes
 * its gradient with an identity permutation (tfjs's gather gradient), each a 5 MB copy per batch
 * (`npm run bench:kernels` times one clone). Everything else goes to the stock kernels.
 */
function shared(backend: BackendWasm, x: TensorInfo, shape: number[]): TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape, dtype: x.dtype };
}

function sharedIdentity({ inputs: { x }, backend }: WasmKernelArgs<{ x: TensorInfo }>) {
  return x.dtype === 'string' ? null : shared(backend, x, [...x.shape]);
}

/** True when `perm` only moves axes of size 1: the values keep their order in memory. */
export function keepsMemoryOrder(shape: readonly number[], perm: readonly number[]): boolean {
  const moved = perm.filter((axis) => (shape[axis] as number) !== 1);
  return moved.every((axis, i) => i === 0 || axis > (moved[i - 1] as number));
}

function sharedTranspose({
  inputs: { x },
  backend,
  attrs: { perm },
}: WasmKernelArgs<{ x: TensorInfo }, TransposeAttrs>) {
  if (x.dtype === 'string' || !keepsMemoryOrder(x.shape, perm)) return null;
  return shared(
    backend,
    x,
    perm.map((axis) => x.shape[axis] as number),
  );
}

export function registerSharedDataKernels(): void {
  swapWasmKernel(tf.Identity, sharedIdentity);
  swapWasmKernel(tf.Transpose, sharedTranspose);
}
