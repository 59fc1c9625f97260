import type { NamedTensorMap, Scalar } from '@tensorflow/tfjs-core';
import { tf } from './tfjs.js';
import { sumOfSquares } from './wasm-kernels/sum-of-squares.js';

/**
 * Scales all gradients by `clipNorm / max(norm, clipNorm)`, where `norm` is their joint L2 norm:
 * the direction of the step is kept, only its length is capped (what keeps recurrent nets from
 * exploding). Key order is preserved, which Adam relies on to pair gradients with its moments.
 * Gradients within the norm come back as they are (multiplying by 1 would change nothing but
 * cost a pass over each); that reads the norm, one number, synchronously. Call inside `tidy`.
 */
export function clipByGlobalNorm(
  grads: NamedTensorMap,
  clipNorm: number,
): { grads: NamedTensorMap; norm: Scalar } {
  const names = Object.keys(grads);
  const squares = names.map((name) => sumOfSquares(grads[name] as tf.Tensor));
  const norm = tf.sqrt(squares.length === 1 ? (squares[0] as Scalar) : tf.addN(squares)) as Scalar;
  if (clipNorm <= 0 || (norm.dataSync()[0] as number) <= clipNorm) return { grads, norm };
  const scale = tf.div(clipNorm, tf.maximum(norm, clipNorm));
  const clipped: NamedTensorMap = {};
  for (const name of names) clipped[name] = tf.mul(grads[name] as tf.Tensor, scale);
  return { grads: clipped, norm };
}
