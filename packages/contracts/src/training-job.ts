import Type, { type Static, type TLiteral, type TSchemaOptions, type TUnion } from 'typebox';

/** Name of the BullMQ queue training jobs go on (under the key prefix, see below). */
export const TRAINING_QUEUE_NAME = 'training';

/** Default BullMQ key prefix; set `NEWSCELL_QUEUE_PREFIX` to share one Redis between setups. */
export const DEFAULT_QUEUE_PREFIX = 'newscell';

export const CELL_TYPES = ['rnn', 'lstm', 'gru', 'bow'] as const;
export type CellType = (typeof CELL_TYPES)[number];

/** A union of string literals whose static type is the union of those strings. */
function literals<const T extends readonly string[]>(
  values: T,
  options: TSchemaOptions = {},
): TUnion<{ -readonly [K in keyof T]: TLiteral<T[K]> }> {
  return Type.Union(
    values.map((v) => Type.Literal(v)),
    options,
  ) as unknown as TUnion<{ -readonly [K in keyof T]: TLiteral<T[K]> }>;
}

export const CellTypeSchema = literals(CELL_TYPES, {
  description: 'Recurrent cell (rnn, lstm, gru) or the non-recurrent bag-of-words baseline (bow)',
});

/** Model settings of a training job; every field but `cell` may be omitted to take the default. */
export const ModelSettingsSchema = Type.Object(
  {
    cell: CellTypeSchema,
    embeddingDim: Type.Optional(Type.Integer({ minimum: 2, maximum: 1024 })),
    embeddingTrainable: Type.Optional(Type.Boolean()),
    layers: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 4, description: 'stacked recurrent layers' }),
    ),
    hiddenUnits: Type.Optional(Type.Integer({ minimum: 1, maximum: 1024 })),
    bidirectional: Type.Optional(Type.Boolean()),
    dropout: Type.Optional(Type.Number({ minimum: 0, maximum: 0.9 })),
    recurrentDropout: Type.Optional(Type.Number({ minimum: 0, maximum: 0.9 })),
    pooling: Type.Optional(
      literals(['last', 'max', 'mean'] as const, {
        description: 'last hidden state (the classic), or max/mean over all steps',
      }),
    ),
    maskPadding: Type.Optional(Type.Boolean({ description: 'skip padding tokens' })),
  },
  { additionalProperties: false },
);

export const TrainingSettingsSchema = Type.Object(
  {
    epochs: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
    batchSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 4096 })),
    learningRate: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
    patience: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 50, description: 'early stopping on validation loss' }),
    ),
    clipNorm: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, description: 'gradient clipping by global norm' }),
    ),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 })),
  },
  { additionalProperties: false },
);

export const DataSettingsSchema = Type.Object(
  {
    trainPerClass: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: 'stratified subset: at most this many training rows per class',
      }),
    ),
    testPerClass: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: 'evaluate on at most this many test rows per class',
      }),
    ),
    validationFraction: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 0.5 })),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 })),
  },
  { additionalProperties: false },
);

export const TokenizerSettingsSchema = Type.Object(
  {
    minFrequency: Type.Optional(Type.Integer({ minimum: 1 })),
    maxVocabulary: Type.Optional(Type.Integer({ minimum: 10, maximum: 1_000_000 })),
    maxLength: Type.Optional(Type.Integer({ minimum: 1, maximum: 2048 })),
    stem: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const EmbeddingSourceSchema = Type.Union(
  [
    Type.Object({ source: Type.Literal('random') }, { additionalProperties: false }),
    Type.Object(
      {
        source: Type.Literal('pretrained'),
        file: Type.String({
          minLength: 1,
          pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$',
          description:
            'a vectors file (GloVe, word2vec text, fastText .vec) in NEWSCELL_EMBEDDINGS_DIR',
        }),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        source: Type.Literal('skipgram'),
        window: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
        negatives: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
        epochs: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
      },
      { additionalProperties: false },
    ),
  ],
  {
    description:
      "initial word vectors; when omitted, skip-gram vectors trained on the job's own training texts",
  },
);

/** What a training job asks for. The API validates it; the worker checks it again. */
export const TrainingJobDataSchema = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { maxItems: 20 })),
    model: ModelSettingsSchema,
    training: Type.Optional(TrainingSettingsSchema),
    data: Type.Optional(DataSettingsSchema),
    tokenizer: Type.Optional(TokenizerSettingsSchema),
    embeddings: Type.Optional(EmbeddingSourceSchema),
  },
  {
    additionalProperties: false,
    examples: [{ name: 'quick gru', model: { cell: 'gru' }, training: { epochs: 3 } }],
  },
);

export type ModelSettings = Static<typeof ModelSettingsSchema>;
export type TrainingSettings = Static<typeof TrainingSettingsSchema>;
export type DataSettings = Static<typeof DataSettingsSchema>;
export type TokenizerSettings = Static<typeof TokenizerSettingsSchema>;
export type EmbeddingSource = Static<typeof EmbeddingSourceSchema>;
export type TrainingJobData = Static<typeof TrainingJobDataSchema>;

export const TRAINING_PHASES = [
  'loading',
  'vocabulary',
  'embeddings',
  'training',
  'evaluating',
  'saving',
] as const;
export type TrainingPhase = (typeof TRAINING_PHASES)[number];

const Metric = Type.Union([Type.Number(), Type.Null()]);

/** One finished epoch, as kept in the job's history. */
export const EpochRecordSchema = Type.Object({
  epoch: Type.Integer({ minimum: 1 }),
  loss: Type.Number(),
  accuracy: Type.Number(),
  valLoss: Metric,
  valAccuracy: Metric,
  seconds: Type.Number(),
});

/** What `job.progress` holds while a job runs; `history` is every finished epoch so far. */
export const TrainingProgressSchema = Type.Object({
  phase: literals(TRAINING_PHASES),
  epoch: Type.Integer({ minimum: 0 }),
  epochs: Type.Integer({ minimum: 0 }),
  batch: Type.Integer({ minimum: 0 }),
  batches: Type.Integer({ minimum: 0 }),
  loss: Metric,
  accuracy: Metric,
  valLoss: Metric,
  valAccuracy: Metric,
  samplesPerSecond: Metric,
  etaSeconds: Metric,
  history: Type.Array(EpochRecordSchema),
});

/** What a completed job returns. */
export const TrainingResultSchema = Type.Object({
  modelId: Type.String(),
  cell: CellTypeSchema,
  accuracy: Type.Number(),
  macroF1: Type.Number(),
  logLoss: Type.Number(),
  epochs: Type.Integer(),
  trainingSeconds: Type.Number(),
  samplesPerSecond: Type.Number(),
  parameterCount: Type.Integer(),
  resumedFromEpoch: Type.Integer({ minimum: 0, description: 'epochs restored from a checkpoint' }),
});

export type EpochRecord = Static<typeof EpochRecordSchema>;
export type TrainingProgress = Static<typeof TrainingProgressSchema>;
export type TrainingResult = Static<typeof TrainingResultSchema>;
