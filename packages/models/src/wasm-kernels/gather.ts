import type {
  GatherV2Attrs,
  GatherV2Inputs,
  KernelConfig,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import { tf } from '../tfjs.js';
import { heapView } from './heap.js';
import { stockWasmKernel, swapWasmKernel, type WasmKernelArgs } from './swap.js';

/**
 * `GatherV2` for the wasm backend, in place of tfjs-backend-wasm 4.22's own, whose C++ kernel
 * computes strides for every element and was the largest single cost of a fused inference batch
 * (CPU profile); `npm run bench:kernels` times both on an embedding-sized gather. This one copies
 * each gathered slice as one block within the wasm heap.
 *
 * float32 and int32 tensors (everything newscell gathers) take the fast path; other dtypes go to
 * the backend's own kernel, kept from before the swap. Indices out of range fail with the same
 * message as tfjs's.
 */
function fastGather(args: WasmKernelArgs<GatherV2Inputs, GatherV2Attrs>): TensorInfo | null {
  const { backend, attrs } = args;
  const x = args.inputs.x as TensorInfo;
  const indices = args.inputs.indices as TensorInfo;
  if ((x.dtype !== 'float32' && x.dtype !== 'int32') || indices.dtype !== 'int32') {
    return null; // the stock kernel
  }
  const axis = tf.util.parseAxisParam(attrs.axis, x.shape)[0] as number;
  const info = tf.backend_util.segment_util.collectGatherOpShapeInfo(
    x as tf.Tensor,
    indices as tf.Tensor,
    axis,
    attrs.batchDims,
  );
  const { batchSize, outerSize, dimSize, sliceSize } = info;
  const perBatch = batchSize === 0 ? 0 : tf.util.sizeFromShape(indices.shape) / batchSize;
  const out = backend.makeOutput(info.outputShape, x.dtype);
  if (tf.util.sizeFromShape(x.shape) === 0 || tf.util.sizeFromShape(info.outputShape) === 0) {
    return out;
  }
  // Views only after makeOutput: its malloc may grow the heap and detach older views.
  const ids = heapView(backend, indices);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i] as number;
    if (!(id >= 0 && id <= dimSize - 1)) {
      backend.disposeData(out.dataId);
      throw new Error(`GatherV2: the index value ${id} is not in [0, ${dimSize - 1}]`);
    }
  }
  const source = heapView(backend, x);
  const target = heapView(backend, out);
  let to = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let o = 0; o < outerSize; o++) {
      const base = (b * outerSize + o) * dimSize * sliceSize;
      for (let i = 0; i < perBatch; i++) {
        const from = base + (ids[b * perBatch + i] as number) * sliceSize;
        if (sliceSize >= 16) {
          target.set(source.subarray(from, from + sliceSize), to);
        } else {
          for (let j = 0; j < sliceSize; j++) target[to + j] = source[from + j] as number;
        }
        to += sliceSize;
      }
    }
  }
  return out;
}

/** tfjs-backend-wasm's own kernel, as found before the swap (for `npm run bench:kernels`). */
export function stockWasmGather(): KernelConfig | undefined {
  return stockWasmKernel(tf.GatherV2);
}

/** Swaps wasm's `GatherV2` for the one above (once; a no-op without the wasm backend loaded). */
export function registerFastGather(): void {
  swapWasmKernel(tf.GatherV2, fastGather);
}
