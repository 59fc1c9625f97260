import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type {
  KernelConfig,
  KernelFunc,
  TensorInfo,
  UnsortedSegmentSumAttrs,
  UnsortedSegmentSumInputs,
} from '@tensorflow/tfjs-core';
import { scatterAddRows, segmentSumShape } from '../segment-sum.js';
import { tf } from '../tfjs.js';
import { heapView } from './heap.js';

/**
 * `UnsortedSegmentSum` for the wasm backend, which has none; the gradient of every gather (so of
 * every Embedding) calls it. Works on the tensors' bytes in the wasm heap: no copies, no
 * temporary tensors.
 */
function unsortedSegmentSum(args: {
  inputs: UnsortedSegmentSumInputs;
  backend: BackendWasm;
  attrs: UnsortedSegmentSumAttrs;
}): TensorInfo {
  const { backend } = args;
  const x = args.inputs.x as TensorInfo;
  const segmentIds = args.inputs.segmentIds as TensorInfo;
  const { numSegments } = args.attrs;
  const out = backend.makeOutput(segmentSumShape(x, segmentIds, numSegments), x.dtype);
  // Views only after makeOutput: its malloc may grow the heap and detach older views.
  const sums = heapView(backend, out);
  sums.fill(0); // malloc'd memory holds whatever was there before
  scatterAddRows(
    heapView(backend, x),
    heapView(backend, segmentIds) as Int32Array,
    sums,
    numSegments,
  );
  return out;
}

export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: tf.UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum as unknown as KernelFunc,
};
