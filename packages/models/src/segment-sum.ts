import type { TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from './tfjs.js';

type Numbers = Float32Array | Int32Array;

/**
 * Output shape of `UnsortedSegmentSum(x, segmentIds, numSegments)`: `segmentIds`' shape must be a
 * prefix of `x`'s, the result is `[numSegments, ...x.shape after that prefix]`.
 */
export function segmentSumShape(
  x: TensorInfo,
  segmentIds: TensorInfo,
  numSegments: number,
): number[] {
  const rank = segmentIds.shape.length;
  tf.util.assert(
    rank <= x.shape.length && segmentIds.shape.every((d, i) => d === x.shape[i]),
    () =>
      `UnsortedSegmentSum: segmentIds shape [${segmentIds.shape}] must be a prefix of x shape [${x.shape}]`,
  );
  tf.util.assert(
    segmentIds.dtype === 'int32',
    () => `UnsortedSegmentSum: segmentIds must be int32, got ${segmentIds.dtype}`,
  );
  return [numSegments, ...x.shape.slice(rank)];
}

/**
 * Adds row `i` of `xs` (flattened to `ids.length` rows) into row `ids[i]` of `sums`, which must be
 * zero-filled; ids outside `[0, numSegments)` are dropped, as tfjs's cpu kernel does. One pass,
 * O(size of x): tfjs-backend-cpu's own kernel loops over every segment instead, O(numSegments ×
 * size of x), which for a 20 000-word embedding makes one training batch take minutes.
 */
export function scatterAddRows(
  xs: Numbers,
  ids: Int32Array,
  sums: Numbers,
  numSegments: number,
): void {
  const rows = ids.length;
  const width = rows === 0 ? 0 : xs.length / rows;
  for (let row = 0; row < rows; row++) {
    const segment = ids[row] as number;
    if (segment < 0 || segment >= numSegments) continue;
    const from = row * width;
    const to = segment * width;
    for (let j = 0; j < width; j++) {
      sums[to + j] = (sums[to + j] as number) + (xs[from + j] as number);
    }
  }
}
