import type { LayersModel } from '@tensorflow/tfjs-layers';
import { tf } from './tfjs.js';

type MaskHolder = { dropoutMask?: unknown; recurrentDropoutMask?: unknown };

/**
 * tfjs-layers' recurrent cells keep their last dropout masks (kept tensors, ones-masks at
 * inference) until the next call. Disposing them after training / evaluation is what brings the
 * tensor count back to exactly the model's weights.
 */
export function releaseDropoutMasks(model: LayersModel): void {
  for (const layer of model.layers) {
    const wrapper = layer as unknown as {
      cell?: MaskHolder;
      forwardLayer?: { cell?: MaskHolder };
      backwardLayer?: { cell?: MaskHolder };
    };
    for (const cell of [wrapper.cell, wrapper.forwardLayer?.cell, wrapper.backwardLayer?.cell]) {
      if (cell === undefined) continue;
      for (const key of ['dropoutMask', 'recurrentDropoutMask'] as const) {
        const mask = cell[key];
        if (mask != null) {
          tf.dispose(mask as tf.Tensor | tf.Tensor[]);
          cell[key] = null;
        }
      }
    }
  }
}
