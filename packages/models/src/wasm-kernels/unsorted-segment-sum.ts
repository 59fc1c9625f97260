import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type {
  KernelConfig,
  KernelFunc,
  TensorInfo,
  UnsortedSegmentSumAttrs,
  UnsortedSegmentSumInputs,
} from '@tensorflow/tfjs-core';
import { tf } from '../tfjs.js';
import { heapView } from './heap.js';

/**
 * `UnsortedSegmentSum` for the wasm backend, which has none; the gradient of every gather (so of
 * every Embedding) calls it. `segmentIds`' shape is a prefix of `x`'s; row `i` of the flattened
 * `x` is added into output row `segmentIds[i]`, ids outside `[0, numSegments)` are dropped (as
 * the cpu kernel does). One pass over `x` on the heap, no temporary tensors.
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
  const idsRank = segmentIds.shape.length;
  tf.util.assert(
    idsRank <= x.shape.length && segmentIds.shape.every((d, i) => d === x.shape[i]),
    () =>
      `UnsortedSegmentSum: segmentIds shape [${segmentIds.shape}] must be a prefix of x shape [${x.shape}]`,
  );
  tf.util.assert(
    segmentIds.dtype === 'int32',
    () => `UnsortedSegmentSum: segmentIds must be int32, got ${segmentIds.dtype}`,
  );
  const outShape = [numSegments, ...x.shape.slice(idsRank)];
  const out = backend.makeOutput(outShape, x.dtype);
  const xs = heapView(backend, x);
  const ids = heapView(backend, segmentIds);
  const sums = heapView(backend, out);
  sums.fill(0); // makeOutput's memory comes straight from malloc
  const rows = ids.length;
  const width = rows === 0 ? 0 : xs.length / rows;
  for (let row = 0; row < rows; row++) {
    const segment = ids[row] as number;
    if (segment < 0 || segment >= numSegments) continue;
    const from = row * width;
    const to = segment * width;
    for (let j = 0; j < width; j++) {
      (sums[to + j] as number) += xs[from + j] as number;
    }
  }
  return out;
}

export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: tf.UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum as unknown as KernelFunc,
};
