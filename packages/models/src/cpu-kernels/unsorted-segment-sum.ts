import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type {
  KernelConfig,
  KernelFunc,
  TensorInfo,
  UnsortedSegmentSumAttrs,
  UnsortedSegmentSumInputs,
} from '@tensorflow/tfjs-core';
import { scatterAddRows, segmentSumShape } from '../segment-sum.js';
import { tf } from '../tfjs.js';

/** The one-pass `UnsortedSegmentSum` for the cpu backend (see `scatterAddRows` for why). */
function unsortedSegmentSum(args: {
  inputs: UnsortedSegmentSumInputs;
  backend: MathBackendCPU;
  attrs: UnsortedSegmentSumAttrs;
}): TensorInfo {
  const { backend } = args;
  const x = args.inputs.x as TensorInfo;
  const segmentIds = args.inputs.segmentIds as TensorInfo;
  const { numSegments } = args.attrs;
  const shape = segmentSumShape(x, segmentIds, numSegments);
  const size = tf.util.sizeFromShape(shape);
  const sums = x.dtype === 'int32' ? new Int32Array(size) : new Float32Array(size);
  const xs = backend.data.get(x.dataId)?.values as Float32Array | Int32Array;
  const ids = backend.data.get(segmentIds.dataId)?.values as Int32Array;
  scatterAddRows(xs, ids, sums, numSegments);
  return backend.makeTensorInfo(shape, x.dtype, sums);
}

export const cpuUnsortedSegmentSumConfig: KernelConfig = {
  kernelName: tf.UnsortedSegmentSum,
  backendName: 'cpu',
  kernelFunc: unsortedSegmentSum as unknown as KernelFunc,
};

/**
 * Replaces tfjs-backend-cpu's `UnsortedSegmentSum`, whose cost grows with the vocabulary size
 * times the batch, when cpu is the backend that trains. (Unregistered first: registering over a
 * kernel works but makes tfjs log a warning.)
 */
export function registerCpuTrainingKernels(): void {
  const current = tf.getKernel(tf.UnsortedSegmentSum, 'cpu');
  if (current?.kernelFunc === cpuUnsortedSegmentSumConfig.kernelFunc) return;
  if (current !== undefined) tf.unregisterKernel(tf.UnsortedSegmentSum, 'cpu');
  tf.registerKernel(cpuUnsortedSegmentSumConfig);
}
