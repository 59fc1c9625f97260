import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../tfjs.js';

/** Configs registered by `swapWasmKernel`, so registering twice never wraps our own kernel. */
const ours = new WeakSet<KernelConfig>();
/** tfjs-backend-wasm's own kernels, as found before each swap. */
const stock = new Map<string, KernelConfig>();

/**
 * A wasm kernel's arguments as newscell's replacements read them (`backend` is always wasm's).
 */
export interface WasmKernelArgs<Inputs, Attrs = Record<string, never>> {
  inputs: Inputs;
  backend: BackendWasm;
  attrs: Attrs;
}

/**
 * Replaces wasm's kernel `name` (once; a no-op without the wasm backend loaded) with `fast`,
 * which handles what it can and returns null for the rest (other dtypes, say): those calls go to
 * the stock kernel, kept from before the swap (with its setup, which binds its C++ function).
 */
export function swapWasmKernel<Inputs, Attrs>(
  name: string,
  fast: (args: WasmKernelArgs<Inputs, Attrs>) => TensorInfo | null,
): void {
  const current = tf.getKernel(name, 'wasm');
  if (current === undefined || ours.has(current)) return;
  stock.set(name, current);
  const fallback = current.kernelFunc as (args: unknown) => TensorInfo;
  const kernelFunc = (args: WasmKernelArgs<Inputs, Attrs>) => fast(args) ?? fallback(args);
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({ ...current, kernelFunc: kernelFunc as unknown as KernelFunc });
  const registered = tf.getKernel(name, 'wasm');
  if (registered !== undefined) ours.add(registered);
}

/** tfjs-backend-wasm's own kernel `name` as it was before `swapWasmKernel` (for benchmarks). */
export function stockWasmKernel(name: string): KernelConfig | undefined {
  return stock.get(name);
}
