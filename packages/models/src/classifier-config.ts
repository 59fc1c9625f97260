import {
  AG_NEWS_CLASS_COUNT,
  CELL_TYPES,
  type CellType,
  parseWithSchema,
} from '@newscell/contracts';
import { type Static, Type } from 'typebox';

// Recurrent cells, plus `bow`: the bag-of-words baseline. The list is the job contract's.
export { CELL_TYPES, type CellType };

/** How recurrent layers are computed (see `recurrentImplementation`). */
export const RECURRENT_IMPLEMENTATIONS = ['fused', 'layers'] as const;
export type RecurrentImplementation = (typeof RECURRENT_IMPLEMENTATIONS)[number];

/** How the per-token outputs become one vector per text. */
export const POOLING_TYPES = ['last', 'max', 'mean'] as const;
export type PoolingType = (typeof POOLING_TYPES)[number];

/**
 * Everything that defines a classifier's architecture and initialisation; stored with the model
 * as `config.json`. Defaults suit AG News at ~10k–120k training rows: a bidirectional GRU with
 * max pooling over 48 tokens.
 */
export const ClassifierConfigSchema = Type.Object(
  {
    /** @defaultValue `'gru'` */
    cell: Type.Union(
      [Type.Literal('rnn'), Type.Literal('lstm'), Type.Literal('gru'), Type.Literal('bow')],
      { default: 'gru' },
    ),
    /** Rows of the embedding matrix, including `<pad>` (id 0) and `<unk>`. Required. */
    vocabSize: Type.Integer({ minimum: 2, maximum: 5_000_000 }),
    /** @defaultValue 64 */
    embeddingDim: Type.Integer({ minimum: 1, maximum: 4096, default: 64 }),
    /** `pretrained` needs a `[vocabSize × embeddingDim]` matrix at build time. @defaultValue `'random'` */
    embeddingInit: Type.Union([Type.Literal('random'), Type.Literal('pretrained')], {
      default: 'random',
    }),
    /** @defaultValue true */
    embeddingTrainable: Type.Boolean({ default: true }),
    /** Stacked recurrent layers. @defaultValue 1 */
    layers: Type.Integer({ minimum: 1, maximum: 8, default: 1 }),
    /** Units per recurrent layer (per direction). @defaultValue 64 */
    hiddenUnits: Type.Integer({ minimum: 1, maximum: 4096, default: 64 }),
    /** @defaultValue true */
    bidirectional: Type.Boolean({ default: true }),
    /** Dropped fraction of each recurrent layer's inputs and of the pooled vector. @defaultValue 0.2 */
    dropout: Type.Number({ minimum: 0, exclusiveMaximum: 1, default: 0.2 }),
    /** Dropped fraction of the recurrent state (slow in TensorFlow.js). @defaultValue 0 */
    recurrentDropout: Type.Number({ minimum: 0, exclusiveMaximum: 1, default: 0 }),
    /** Treat token id 0 as `<pad>`: masked out of the recurrence and the pooling. @defaultValue true */
    maskPadding: Type.Boolean({ default: true }),
    /** `last` = final hidden state; `bow` allows `mean` or `max`. @defaultValue `'max'` (`'mean'` for `bow`) */
    pooling: Type.Union([Type.Literal('last'), Type.Literal('max'), Type.Literal('mean')], {
      default: 'max',
    }),
    /** Tokens per text (inputs are padded / truncated to this). @defaultValue 48 */
    maxLength: Type.Integer({ minimum: 1, maximum: 10_000, default: 48 }),
    /** @defaultValue 4 (AG News) */
    numClasses: Type.Integer({ minimum: 2, maximum: 10_000, default: AG_NEWS_CLASS_COUNT }),
    /**
     * How recurrent layers run: `fused` = one op per layer and direction for the whole sequence
     * (src/fused, several times faster), `layers` = tfjs-layers' own LSTM/GRU/SimpleRNN. Both
     * have the same weights, so either loads the other's. `recurrentDropout > 0` always uses
     * `layers`, the only one that has it. Absent means `fused` (kept absent so configs and
     * checkpoints written before the setting existed still compare equal).
     * @defaultValue `'fused'`
     */
    recurrentImplementation: Type.Optional(
      Type.Union([Type.Literal('fused'), Type.Literal('layers')]),
    ),
    /** Seeds weight initialisation. @defaultValue 42 */
    seed: Type.Integer({ minimum: 0, maximum: 4_294_967_295, default: 42 }),
  },
  { additionalProperties: false },
);

/** A fully resolved classifier configuration (every field present). */
export type ClassifierConfig = Static<typeof ClassifierConfigSchema>;

/** What a caller writes: `vocabSize` plus any fields that differ from the defaults. */
export type ClassifierConfigInput = Partial<ClassifierConfig> & Pick<ClassifierConfig, 'vocabSize'>;

/**
 * Validates `input` and fills in defaults. Throws `INVALID_CONFIG` naming every bad field and
 * its value, e.g. `model config /hiddenUnits: must be >= 1 (got 0)`.
 */
export function resolveClassifierConfig(input: unknown): ClassifierConfig {
  let value = input;
  if (isRecord(input) && input.cell === 'bow' && input.pooling === undefined) {
    value = { ...input, pooling: 'mean' };
  }
  const config = parseWithSchema(ClassifierConfigSchema, value, 'model config', 'INVALID_CONFIG');
  if (config.cell === 'bow' && config.pooling === 'last') {
    parseWithSchema(
      Type.Object({ pooling: Type.Union([Type.Literal('mean'), Type.Literal('max')]) }),
      { pooling: config.pooling },
      "model config (cell 'bow' has no last state)",
      'INVALID_CONFIG',
    );
  }
  return config;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
