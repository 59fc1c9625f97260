import type * as tfCore from '@tensorflow/tfjs-core';

/**
 * Chained ops whose method form is exactly `op(this, ...args)`; the list is tfjs-core 4.22's
 * `public/chained_ops` minus the image/conv ones a text model never calls.
 */
const SAME_SIGNATURE = (
  'abs acos acosh add all any argMax argMin asin asinh atan atan2 atanh batchToSpaceND batchNorm ' +
  'broadcastTo cast ceil clipByValue conv1d conv2d cos cosh cumprod cumsum depthToSpace div ' +
  'divNoNan dot elu equal erf euclideanNorm exp expandDims expm1 fft floor floorDiv gather greater ' +
  'greaterEqual ifft irfft isFinite isInf isNaN leakyRelu less lessEqual log log1p logSigmoid ' +
  'logSoftmax logSumExp logicalAnd logicalNot logicalOr logicalXor matMul max maximum mean min ' +
  'minimum mirrorPad mod mul neg norm notEqual onesLike pad pool pow prelu prod reciprocal relu ' +
  'relu6 reshape reverse rfft round rsqrt selu sigmoid sign sin sinh slice softmax softplus ' +
  'spaceToBatchND split sqrt square squaredDifference squeeze step stridedSlice sub sum tan tanh ' +
  'tile topk transpose unique unstack zerosLike'
).split(' ');

type AnyFn = (...args: unknown[]) => unknown;

/**
 * tfjs-layers calls some ops in method form (`rMat.flatten()` in the orthogonal initializer, which
 * every LSTM/GRU uses for its recurrent kernel). Those methods are installed by the
 * `@tensorflow/tfjs` umbrella package, which newscell does not use, and tfjs-core's own
 * `register_all_chained_ops` is ESM with extension-less imports that Node cannot load, so we
 * install them here. Methods already present (e.g. when tfjs-node brought the umbrella package)
 * are left alone.
 */
export function registerChainedOps(tf: typeof tfCore): void {
  const proto = tf.Tensor.prototype as unknown as Record<string, unknown>;
  const ops = tf as unknown as Record<string, AnyFn | undefined>;
  const define = (name: string, method: AnyFn): void => {
    if (proto[name] === undefined) proto[name] = method;
  };
  for (const name of SAME_SIGNATURE) {
    const op = ops[name];
    if (op === undefined) continue;
    define(name, function (this: tfCore.Tensor, ...args: unknown[]) {
      return op(this, ...args);
    });
  }
  define('flatten', function (this: tfCore.Tensor) {
    return tf.reshape(this, [this.size]);
  });
  define('asType', function (this: tfCore.Tensor, dtype: unknown) {
    return tf.cast(this, dtype as tfCore.DataType);
  });
  define('toFloat', function (this: tfCore.Tensor) {
    return tf.cast(this, 'float32');
  });
  define('toInt', function (this: tfCore.Tensor) {
    return tf.cast(this, 'int32');
  });
  define('toBool', function (this: tfCore.Tensor) {
    return tf.cast(this, 'bool');
  });
  define('reshapeAs', function (this: tfCore.Tensor, other: unknown) {
    return tf.reshape(this, (other as tfCore.Tensor).shape);
  });
  define('concat', function (this: tfCore.Tensor, x: unknown, axis: unknown) {
    const rest = x instanceof tf.Tensor ? [x] : (x as tfCore.Tensor[]);
    return tf.concat([this, ...rest], axis as number | undefined);
  });
  define('stack', function (this: tfCore.Tensor, x: unknown, axis: unknown) {
    const rest = x instanceof tf.Tensor ? [x] : (x as tfCore.Tensor[]);
    return tf.stack([this, ...rest], axis as number | undefined);
  });
  define('oneHot', function (this: tfCore.Tensor, depth: unknown, on = 1, off = 0) {
    return tf.oneHot(this as tfCore.Tensor1D, depth as number, on as number, off as number);
  });
  define('where', function (this: tfCore.Tensor, condition: unknown, x: unknown) {
    return tf.where(condition as tfCore.Tensor, this, x as tfCore.Tensor);
  });
}
