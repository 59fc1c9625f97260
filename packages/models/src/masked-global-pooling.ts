import type { Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import type { Shape } from '@tensorflow/tfjs-layers';
import { tf, tfl } from './tfjs.js';

export type MaskedPoolingMode = 'mean' | 'max';

/**
 * `max(x, 1)` over the time axis of `[batch, time, features]`, with tfjs's own gradient (`dy` to
 * every position equal to its maximum, ties included) computed in one pass over plain arrays.
 * tfjs builds that gradient from a broadcasting `equal(x, max)`, whose generic C++ broadcast on
 * wasm took longer than the rest of a default-model training batch (`npm run bench:kernels`
 * times both at that shape).
 */
export const maxOverTime = tf.customGrad((x, save) => {
  const input = x as Tensor3D;
  const y = tf.max(input, 1) as Tensor2D;
  (save as (tensors: Tensor[]) => void)([input, y]);
  const gradFunc = (dy: Tensor | Tensor[], saved: Tensor[]) => {
    const [xs, ys] = saved as [Tensor3D, Tensor2D];
    const [batch, time, features] = xs.shape;
    const values = xs.dataSync();
    const maxima = ys.dataSync();
    const d = (Array.isArray(dy) ? (dy[0] as Tensor) : dy).dataSync();
    const out = new Float32Array(xs.size);
    for (let b = 0; b < batch; b++) {
      const yo = b * features;
      for (let t = 0; t < time; t++) {
        const o = (b * time + t) * features;
        for (let j = 0; j < features; j++) {
          // As tfjs: dy · (x == max), so a negative dy gives −0 where x is not the maximum.
          out[o + j] = (values[o + j] === maxima[yo + j] ? 1 : 0) * (d[yo + j] as number);
        }
      }
    }
    return [tf.tensor3d(out, [batch, time, features])];
  };
  return { value: y, gradFunc };
}) as (x: Tensor3D) => Tensor2D;

export interface MaskedGlobalPoolingArgs {
  mode: MaskedPoolingMode;
  name?: string;
}

type Kwargs = { mask?: Tensor | Tensor[] | null } & Record<string, unknown>;

/**
 * Mean or max over time of `[batch, time, features]` that skips masked (padding) steps. The
 * built-in global pooling layers ignore the mask, and a masked recurrent layer repeats its last
 * state over the padding, so they would weight short texts' last state by their padding length.
 * A text with no tokens at all pools to zeros.
 */
export class MaskedGlobalPooling1D extends tfl.layers.Layer {
  static className = 'NewscellMaskedGlobalPooling1D';
  readonly mode: MaskedPoolingMode;

  constructor(args: MaskedGlobalPoolingArgs) {
    super(args.name === undefined ? {} : { name: args.name });
    this.mode = args.mode;
    this.supportsMasking = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return [shape[0] ?? null, shape[2] ?? null];
  }

  override computeMask(): Tensor {
    return null as unknown as Tensor; // time is pooled away, and the mask with it
  }

  override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? (inputs[0] as Tensor) : inputs;
      const rawMask = Array.isArray(kwargs.mask) ? kwargs.mask[0] : kwargs.mask;
      if (rawMask == null) return this.mode === 'mean' ? tf.mean(x, 1) : maxOverTime(x as Tensor3D);
      const mask = tf.expandDims(tf.cast(rawMask, 'float32'), -1); // [batch, time, 1]
      const count = tf.sum(mask, 1); // [batch, 1]
      if (this.mode === 'mean') {
        return tf.div(tf.sum(tf.mul(x, mask), 1), tf.maximum(count, 1));
      }
      // Push masked steps far below any real activation, then zero the rows with no tokens.
      const shifted = tf.add(x, tf.mul(tf.sub(1, mask), -1e9));
      return tf.mul(maxOverTime(shifted as Tensor3D), tf.minimum(count, 1));
    });
  }

  override getConfig(): ReturnType<InstanceType<typeof tfl.layers.Layer>['getConfig']> {
    return { ...super.getConfig(), mode: this.mode };
  }

  static override fromConfig<T>(
    cls: new (args: MaskedGlobalPoolingArgs) => T,
    config: Record<string, unknown>,
  ): T {
    return new cls({ mode: config.mode as MaskedPoolingMode, name: config.name as string });
  }
}

// Registration is what lets tf.loadLayersModel rebuild the layer from model.json.
tf.serialization.registerClass(
  MaskedGlobalPooling1D as unknown as Parameters<typeof tf.serialization.registerClass>[0],
);
