import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { ReverseAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../tfjs.js';
import { heapBoolView, heapView } from './heap.js';
import { swapWasmKernel, type WasmKernelArgs } from './swap.js';

/**
 * `Reverse` on wasm as copies of contiguous runs inside the heap. tfjs-backend-wasm 4.22's C++
 * kernel is ten times slower at reversing the time axis of a `[64, 48, 64]` sequence (`npm run
 * bench:kernels` times both), which `Bidirectional` does to its backward layer's output on every
 * forward pass and again in the gradient: it was a third of the default model's inference batch.
 * float32, int32 and bool (the stock kernel wrote 4-byte values into bool's 1-byte storage, past
 * the output's end); anything else goes to the stock kernel.
 */
function fastReverse({
  inputs: { x },
  backend,
  attrs,
}: WasmKernelArgs<{ x: TensorInfo }, ReverseAttrs>): TensorInfo | null {
  if (x.dtype !== 'float32' && x.dtype !== 'int32' && x.dtype !== 'bool') return null;
  const axes = tf.util.parseAxisParam(attrs.dims, x.shape);
  const out = backend.makeOutput([...x.shape], x.dtype);
  if (tf.util.sizeFromShape(x.shape) === 0) return out;
  // Views only after makeOutput: its malloc may grow the heap.
  reverseInto(view(backend, x), view(backend, out), x.shape, axes);
  return out;
}

/** The tensor's storage in the heap (bool: one byte per value). */
function view(backend: BackendWasm, t: TensorInfo): Float32Array | Int32Array | Uint8Array {
  return t.dtype === 'bool' ? heapBoolView(backend, t) : heapView(backend, t);
}

/**
 * `target` = `source` (row-major, `shape`) reversed along `axes`. The axes after the last
 * reversed one form contiguous runs, copied whole; the rest is walked with an odometer.
 */
export function reverseInto(
  source: Float32Array | Int32Array | Uint8Array,
  target: Float32Array | Int32Array | Uint8Array,
  shape: readonly number[],
  axes: readonly number[],
): void {
  const reversed = shape.map((_, axis) => axes.includes(axis));
  const last = reversed.lastIndexOf(true);
  if (last < 0) {
    target.set(source);
    return;
  }
  const run = tf.util.sizeFromShape(shape.slice(last + 1));
  const outer = shape.slice(0, last + 1);
  const strides = outer.map((_, axis) => tf.util.sizeFromShape(outer.slice(axis + 1)) * run);
  const index = outer.map(() => 0);
  const count = tf.util.sizeFromShape(outer);
  for (let i = 0; i < count; i++) {
    let from = 0;
    for (let axis = 0; axis < outer.length; axis++) {
      const at = index[axis] as number;
      from += (reversed[axis] ? (outer[axis] as number) - 1 - at : at) * (strides[axis] as number);
    }
    const to = i * run;
    if (run >= 16) target.set(source.subarray(from, from + run) as never, to);
    else for (let k = 0; k < run; k++) target[to + k] = source[from + k] as number;
    // Next index, last axis fastest.
    for (let axis = outer.length - 1; axis >= 0; axis--) {
      index[axis] = (index[axis] as number) + 1;
      if ((index[axis] as number) < (outer[axis] as number)) break;
      index[axis] = 0;
    }
  }
}

export function registerFastReverse(): void {
  swapWasmKernel(tf.Reverse, fastReverse);
}
