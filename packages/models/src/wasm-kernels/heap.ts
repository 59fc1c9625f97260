import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../tfjs.js';

/**
 * A typed-array view straight onto a tensor's bytes in the wasm heap: no copy. The view must be
 * taken after every `makeOutput` of the kernel, because an allocation may grow the heap, which
 * detaches the old `ArrayBuffer` and every view made on it.
 */
export function heapView(backend: BackendWasm, tensor: TensorInfo): Float32Array | Int32Array {
  const at = heapOffset(backend, tensor);
  const size = tf.util.sizeFromShape(tensor.shape);
  switch (tensor.dtype) {
    case 'float32':
      return new Float32Array(heapBuffer(backend), at, size);
    case 'int32':
      return new Int32Array(heapBuffer(backend), at, size);
    default:
      throw new Error(`no heap view for dtype ${tensor.dtype}`);
  }
}

/** A bool tensor's storage in the heap, one byte per value (same rules as `heapView`). */
export function heapBoolView(backend: BackendWasm, tensor: TensorInfo): Uint8Array {
  if (tensor.dtype !== 'bool') throw new Error(`not a bool tensor: ${tensor.dtype}`);
  const size = tf.util.sizeFromShape(tensor.shape);
  return new Uint8Array(heapBuffer(backend), heapOffset(backend, tensor), size);
}

/**
 * `length` floats of the heap outside tfjs's tensors (the module's `_malloc`): `values()` views
 * them afresh (same rules as `heapView`), `free()` gives them back, once.
 */
export function heapFloats(
  backend: BackendWasm,
  length: number,
): { pointer: number; values(): Float32Array; free(): void } {
  const module = backend.wasm as unknown as {
    _malloc(bytes: number): number;
    _free(pointer: number): void;
  };
  const pointer = module._malloc(length * 4);
  return {
    pointer,
    values: () => new Float32Array(heapBuffer(backend), pointer, length),
    free: () => module._free(pointer),
  };
}

function heapBuffer(backend: BackendWasm): ArrayBufferLike {
  // Both emscripten module flavours expose HEAPU8; only the threaded one's typings say so.
  return (backend.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.buffer;
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
 * A float32 tensor in the heap whose values are left as the allocator found them: the caller
 * writes every value, so a zero fill first (~6 MB a batch for an input projection) would be
 * wasted.
 */
export function uninitializedTensor(backend: BackendWasm, shape: number[]): Tensor {
  return tf.engine().makeTensorFromTensorInfo(backend.makeOutput(shape, 'float32'), backend);
}
