import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import { tf } from './tfjs.js';

/** Probabilities are clipped like Keras does so a confident mistake costs log(1e7), not infinity. */
export const PROBABILITY_EPSILON = 1e-7;

/** Mean categorical cross-entropy of softmax outputs `[batch, classes]` against int labels. */
export function crossEntropy(probabilities: Tensor, labels: Tensor): Scalar {
  return tf.tidy(() => {
    const numClasses = probabilities.shape[1] as number;
    const oneHot = tf.oneHot(tf.cast(labels, 'int32') as tf.Tensor1D, numClasses);
    const clipped = tf.clipByValue(probabilities, PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON);
    return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.log(clipped)), -1))) as Scalar;
  });
}

/** Number of rows whose arg-max equals the label, as an int32 scalar. */
export function correctCount(probabilities: Tensor, labels: Tensor): Scalar {
  return tf.tidy(() =>
    tf.sum(tf.cast(tf.equal(tf.argMax(probabilities, -1), tf.cast(labels, 'int32')), 'int32')),
  );
}
