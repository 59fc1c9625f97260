import type { KernelConfig } from '@tensorflow/tfjs-core';
import { tf } from '../tfjs.js';

/** Configs registered by `swapWasmKernel`, so registering twice never wraps our own kernel. */
const ours = new WeakSet<KernelConfig>();
/** tfjs-backend-wasm's own kernels, as found before each swap. */
const stock = new Map<string, KernelConfig>();

/**
 * Replaces wasm's kernel `name` with `replace(stock)` (once; a no-op without the wasm backend
 * loaded). The replacement gets the stock kernel to fall back on.
 */
export function swapWasmKernel(name: string, replace: (stock: KernelConfig) => KernelConfig): void {
  const current = tf.getKernel(name, 'wasm');
  if (current === undefined || ours.has(current)) return;
  stock.set(name, current);
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel(replace(current));
  const registered = tf.getKernel(name, 'wasm');
  if (registered !== undefined) ours.add(registered);
}

/** tfjs-backend-wasm's own kernel `name` as it was before `swapWasmKernel` (for benchmarks). */
export function stockWasmKernel(name: string): KernelConfig | undefined {
  return stock.get(name);
}
