import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelConfig, KernelFunc, TensorInfo, TransposeAttrs } from '@tensorflow/tfjs-core';
import { tf } from '../tfjs.js';
import { swapWasmKernel } from './swap.js';

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

function sharedIdentity(stock: KernelConfig): KernelConfig {
  const fallback = stock.kernelFunc as (args: unknown) => TensorInfo;
  const kernelFunc = (args: { inputs: { x: TensorInfo }; backend: BackendWasm }): TensorInfo => {
    const { x } = args.inputs;
    return x.dtype === 'string' ? fallback(args) : shared(args.backend, x, [...x.shape]);
  };
  return { ...stock, kernelFunc: kernelFunc as unknown as KernelFunc };
}

/** True when `perm` only moves axes of size 1: the values keep their order in memory. */
export function keepsMemoryOrder(shape: readonly number[], perm: readonly number[]): boolean {
  const moved = perm.filter((axis) => (shape[axis] as number) !== 1);
  return moved.every((axis, i) => i === 0 || axis > (moved[i - 1] as number));
}

function sharedTranspose(stock: KernelConfig): KernelConfig {
  const fallback = stock.kernelFunc as (args: unknown) => TensorInfo;
  const kernelFunc = (args: {
    inputs: { x: TensorInfo };
    backend: BackendWasm;
    attrs: TransposeAttrs;
  }): TensorInfo => {
    const { x } = args.inputs;
    const { perm } = args.attrs;
    if (x.dtype === 'string' || !keepsMemoryOrder(x.shape, perm)) return fallback(args);
    return shared(
      args.backend,
      x,
      perm.map((axis) => x.shape[axis] as number),
    );
  };
  return { ...stock, kernelFunc: kernelFunc as unknown as KernelFunc };
}

export function registerSharedDataKernels(): void {
  swapWasmKernel(tf.Identity, sharedIdentity);
  swapWasmKernel(tf.Transpose, sharedTranspose);
}
