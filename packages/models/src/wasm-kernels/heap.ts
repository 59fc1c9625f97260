import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../tfjs.js';

/**
 * A typed-array view straight onto a tensor's bytes in the wasm heap: no copy. The view must be
 * taken after every `makeOutput` of the kernel, because an allocation may grow the heap, which
 * detaches the old `ArrayBuffer` and every view made on it.
 */
export function heapView(backend: BackendWasm, tensor: TensorInfo): Float32Array | Int32Array {
  const data = backend.dataIdMap.get(tensor.dataId);
  if (data === undefined) throw new Error(`tensor ${tensor.dataId} is not on the wasm backend`);
  const size = tf.util.sizeFromShape(tensor.shape);
  // Both emscripten module flavours expose HEAPU8; only the threaded one's typings say so.
  const buffer = (backend.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.buffer;
  switch (tensor.dtype) {
    case 'float32':
      return new Float32Array(buffer, data.memoryOffset, size);
    case 'int32':
      return new Int32Array(buffer, data.memoryOffset, size);
    default:
      throw new Error(`no heap view for dtype ${tensor.dtype}`);
  }
}

/** Byte offset of a tensor's values in the heap (fixed for its lifetime, unlike views on it). */
export function heapOffset(backend: BackendWasm, tensor: TensorInfo): number {
  const data = backend.dataIdMap.get(tensor.dataId);
  if (data === undefined) throw new Error(`tensor ${tensor.dataId} is not on the wasm backend`);
  return data.memoryOffset;
}

/** A `WebAssembly.Memory` as far as the kernels need it. */
export type WasmMemory = { readonly buffer: ArrayBuffer };

/** The WebAssembly.Memory behind the wasm backend's heap, when its module exposes it. */
export function heapMemory(backend: BackendWasm): WasmMemory | null {
  const memory = (backend.wasm as unknown as { asm?: { memory?: WasmMemory } }).asm?.memory;
  return memory ?? null;
}

/** The active backend when it is wasm, else null. */
export function wasmBackend(): BackendWasm | null {
  return tf.getBackend() === 'wasm' ? (tf.backend() as BackendWasm) : null;
}

/**
 * A float32 tensor in the heap whose values are left as the allocator found them (no zero fill,
 * which for a ~6 MB per-batch buffer cost more than filling it); the caller writes every value.
 */
export function uninitializedTensor(backend: BackendWasm, shape: number[]): Tensor {
  return tf.engine().makeTensorFromTensorInfo(backend.makeOutput(shape, 'float32'), backend);
}
