import type { Tensor } from '@tensorflow/tfjs-core';
import type { Shape } from '@tensorflow/tfjs-layers';
import { tf, tfl } from './tfjs.js';

export type MaskedPoolingMode = 'mean' | 'max';

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
      if (rawMask == null) return this.mode === 'mean' ? tf.mean(x, 1) : tf.max(x, 1);
      const mask = tf.expandDims(tf.cast(rawMask, 'float32'), -1); // [batch, time, 1]
      const count = tf.sum(mask, 1); // [batch, 1]
      if (this.mode === 'mean') {
        return tf.div(tf.sum(tf.mul(x, mask), 1), tf.maximum(count, 1));
      }
      // Push masked steps far below any real activation, then zero the rows with no tokens.
      const shifted = tf.add(x, tf.mul(tf.sub(1, mask), -1e9));
      return tf.mul(tf.max(shifted, 1), tf.minimum(count, 1));
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
