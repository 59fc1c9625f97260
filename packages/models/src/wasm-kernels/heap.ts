import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '@tensorflow/tfjs-core';
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
