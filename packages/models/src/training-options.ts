import { parseWithSchema } from '@newscell/contracts';
import { type Static, Type } from 'typebox';

/** Optimisation settings of `trainClassifier`; recorded in checkpoints and `metrics.json`. */
export const TrainingOptionsSchema = Type.Object(
  {
    /** Adam step size. @defaultValue 0.002 */
    learningRate: Type.Number({ exclusiveMinimum: 0, maximum: 10, default: 0.002 }),
    /** @defaultValue 64 */
    batchSize: Type.Integer({ minimum: 1, maximum: 65_536, default: 64 }),
    /** Maximum epochs (early stopping may end sooner). @defaultValue 10 */
    epochs: Type.Integer({ minimum: 1, maximum: 10_000, default: 10 }),
    /** Seeds the per-epoch shuffling and the dropout masks. @defaultValue 1 */
    seed: Type.Integer({ minimum: 0, maximum: 4_294_967_295, default: 1 }),
    /** Epochs without a validation-loss improvement before stopping; 0 = never stop early. @defaultValue 2 */
    patience: Type.Integer({ minimum: 0, maximum: 10_000, default: 2 }),
    /** Smallest validation-loss decrease that counts as an improvement. @defaultValue 0.0001 */
    minDelta: Type.Number({ minimum: 0, default: 0.0001 }),
    /** Put back the weights of the best validation epoch at the end. @defaultValue true */
    restoreBestWeights: Type.Boolean({ default: true }),
    /** Rescale gradients whose global L2 norm exceeds this; 0 = no clipping. @defaultValue 5 */
    clipNorm: Type.Number({ minimum: 0, default: 5 }),
    /** Batch size for the validation pass. @defaultValue 256 */
    validationBatchSize: Type.Integer({ minimum: 1, maximum: 65_536, default: 256 }),
    /** Minimum milliseconds between two `onBatchEnd` calls (the last batch of an epoch always reports). @defaultValue 1000 */
    progressThrottleMs: Type.Integer({ minimum: 0, default: 1000 }),
  },
  { additionalProperties: false },
);

export type TrainingOptions = Static<typeof TrainingOptionsSchema>;

/** Validates and fills defaults; throws `INVALID_CONFIG` naming each bad field and value. */
export function resolveTrainingOptions(input: unknown = {}): TrainingOptions {
  return parseWithSchema(TrainingOptionsSchema, input ?? {}, 'training options', 'INVALID_CONFIG');
}
