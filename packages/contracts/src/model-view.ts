import Type, { type Static, type TSchema } from 'typebox';
import { CellTypeSchema } from './training-job.js';
import { RESOURCE_ID_PATTERN } from './training-job-view.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const ModelIdSchema = Type.String({
  pattern: RESOURCE_ID_PATTERN,
  description: 'a model id: the name of its directory in the registry',
  examples: ['gru-20261127T180000-a1b2c3'],
});

/** The backend that trained the model. */
export const ModelBackendSchema = Type.Object({
  name: Type.String({ description: 'tensorflow, wasm or cpu' }),
  version: Type.String(),
});

/** The training job a model came from (null for models saved outside the worker). */
export const ModelJobSchema = Type.Object({
  id: Type.String(),
  name: Nullable(Type.String()),
  tags: Type.Array(Type.String()),
});

/** Seconds per text when predicting one text alone and 64 texts at once (after warm-up). */
export const InferenceTimingSchema = Type.Object({
  msPerTextBatch1: Type.Number(),
  msPerTextBatch64: Type.Number(),
  runs: Type.Integer({ description: 'timed calls per batch size' }),
});

/**
 * One model of the registry, as lists show it. Metric fields are null when the model directory
 * has no `metrics.json` (models saved outside the worker).
 */
export const ModelSummarySchema = Type.Object(
  {
    id: Type.String(),
    cell: CellTypeSchema,
    created: Type.String({ format: 'date-time' }),
    accuracy: Nullable(Type.Number({ description: 'test accuracy, 0..1' })),
    macroF1: Nullable(Type.Number({ description: 'test macro-averaged F1, 0..1' })),
    logLoss: Nullable(Type.Number({ description: 'test mean cross-entropy' })),
    parameterCount: Nullable(Type.Integer()),
    trainingSeconds: Nullable(Type.Number()),
    samplesPerSecond: Nullable(Type.Number({ description: 'training throughput' })),
    epochs: Nullable(Type.Integer({ description: 'epochs completed' })),
    inference: Nullable(InferenceTimingSchema),
    backend: ModelBackendSchema,
    job: Nullable(ModelJobSchema),
    aliases: Type.Array(Type.String(), { description: 'aliases pointing at this model' }),
  },
  {
    examples: [
      {
        id: 'gru-42',
        cell: 'gru',
        created: '2026-11-27T18:00:00.000Z',
        accuracy: 0.874,
        macroF1: 0.873,
        logLoss: 0.36,
        parameterCount: 412_868,
        trainingSeconds: 95.2,
        samplesPerSecond: 1260,
        epochs: 3,
        inference: { msPerTextBatch1: 2.1, msPerTextBatch64: 0.19, runs: 20 },
        backend: { name: 'wasm', version: '4.22.0' },
        job: { id: '42', name: 'quick gru', tags: ['baseline'] },
        aliases: ['default'],
      },
    ],
  },
);

export const ClassMetricsSchema = Type.Object({
  label: Type.String(),
  precision: Type.Number(),
  recall: Type.Number(),
  f1: Type.Number(),
  support: Type.Integer({ description: 'test rows of this class' }),
});

/** Quality on the test split. */
export const TestMetricsSchema = Type.Object({
  n: Type.Integer({ description: 'test rows' }),
  accuracy: Type.Number(),
  macroF1: Type.Number(),
  logLoss: Type.Number(),
  perClass: Type.Array(ClassMetricsSchema),
  confusionMatrix: Type.Array(Type.Array(Type.Integer()), {
    description: 'confusionMatrix[true class][predicted class] counts, in label order',
  }),
});

/** One finished training epoch as the model saved it. */
export const TrainingEpochSchema = Type.Object({
  epoch: Type.Integer({ minimum: 1 }),
  loss: Type.Number(),
  accuracy: Type.Number(),
  validationLoss: Nullable(Type.Number()),
  validationAccuracy: Nullable(Type.Number()),
  samplesPerSecond: Type.Number(),
  seconds: Type.Number(),
});

export const ModelTrainingSchema = Type.Object({
  seconds: Type.Number(),
  samplesPerSecond: Type.Number(),
  epochsCompleted: Type.Integer(),
  stopReason: Type.String({ description: 'completed | early-stopping | aborted' }),
  bestEpoch: Nullable(Type.Integer()),
  bestValidationLoss: Nullable(Type.Number()),
  history: Type.Array(TrainingEpochSchema),
});

/** The architecture (`config.json`), every setting resolved. */
export const ModelConfigSchema = Type.Object({
  cell: CellTypeSchema,
  vocabSize: Type.Integer(),
  embeddingDim: Type.Integer(),
  embeddingInit: Type.String(),
  embeddingTrainable: Type.Boolean(),
  layers: Type.Integer(),
  hiddenUnits: Type.Integer(),
  bidirectional: Type.Boolean(),
  dropout: Type.Number(),
  recurrentDropout: Type.Number(),
  maskPadding: Type.Boolean(),
  pooling: Type.String(),
  maxLength: Type.Integer(),
  numClasses: Type.Integer(),
  seed: Type.Integer(),
});

/** `manifest.json`: identity and integrity of the model directory. */
export const ModelManifestSchema = Type.Object({
  formatVersion: Type.Integer(),
  id: Type.String(),
  cell: CellTypeSchema,
  created: Type.String(),
  backend: Type.Object({
    name: Type.String(),
    version: Type.String(),
    coreVersion: Type.String(),
  }),
  packageVersion: Type.String(),
  vocabularyHash: Type.String(),
  datasetSplitHash: Type.String(),
  files: Type.Record(Type.String(), Type.Object({ bytes: Type.Integer(), sha256: Type.String() })),
});

const SUMMARY_EXAMPLE = (ModelSummarySchema as unknown as { examples: unknown[] })
  .examples[0] as Record<string, unknown>;

/** Everything known about one model: the summary plus config, manifest, metrics and history. */
export const ModelDetailSchema = Type.Object(
  {
    ...ModelSummarySchema.properties,
    config: ModelConfigSchema,
    manifest: ModelManifestSchema,
    test: Nullable(TestMetricsSchema),
    training: Nullable(ModelTrainingSchema),
    data: Type.Unknown({
      description: 'what the model was trained on (the data set summary), null when unknown',
    }),
  },
  {
    examples: [
      {
        ...SUMMARY_EXAMPLE,
        config: {
          cell: 'gru',
          vocabSize: 20000,
          embeddingDim: 64,
          embeddingInit: 'random',
          embeddingTrainable: true,
          layers: 1,
          hiddenUnits: 64,
          bidirectional: true,
          dropout: 0.2,
          recurrentDropout: 0,
          maskPadding: true,
          pooling: 'max',
          maxLength: 48,
          numClasses: 4,
          seed: 42,
        },
        manifest: {
          formatVersion: 1,
          id: 'gru-42',
          cell: 'gru',
          created: '2026-11-27T18:00:00.000Z',
          backend: { name: 'wasm', version: '4.22.0', coreVersion: '4.22.0' },
          packageVersion: '0.1.0',
          vocabularyHash: '3f2a…',
          datasetSplitHash: '9c1d…',
          files: { 'weights.bin': { bytes: 1651472, sha256: 'ab12…' } },
        },
        test: {
          n: 7600,
          accuracy: 0.874,
          macroF1: 0.873,
          logLoss: 0.36,
          perClass: [
            { label: 'World', precision: 0.89, recall: 0.87, f1: 0.88, support: 1900 },
            { label: 'Sports', precision: 0.93, recall: 0.96, f1: 0.945, support: 1900 },
            { label: 'Business', precision: 0.83, recall: 0.83, f1: 0.83, support: 1900 },
            { label: 'Sci/Tech', precision: 0.84, recall: 0.84, f1: 0.84, support: 1900 },
          ],
          confusionMatrix: [
            [1653, 80, 102, 65],
            [30, 1824, 26, 20],
            [80, 20, 1577, 223],
            [95, 30, 179, 1596],
          ],
        },
        training: {
          seconds: 95.2,
          samplesPerSecond: 1260,
          epochsCompleted: 3,
          stopReason: 'completed',
          bestEpoch: 3,
          bestValidationLoss: 0.37,
          history: [
            {
              epoch: 1,
              loss: 0.71,
              accuracy: 0.74,
              validationLoss: 0.45,
              validationAccuracy: 0.84,
              samplesPerSecond: 1250,
              seconds: 32.1,
            },
          ],
        },
        data: { counts: { train: 108000, validation: 12000, test: 7600 } },
      },
    ],
  },
);

/** A directory of the registry left out of listings because it cannot be read as a model. */
export const SkippedModelSchema = Type.Object({
  id: Type.String({ description: 'the directory name' }),
  code: Type.String({ description: 'MODEL_CORRUPT or MODEL_MISMATCH' }),
  message: Type.String({ description: 'what is wrong, naming file and field' }),
});

/**
 * A page of models; pass `nextCursor` as `cursor` for the next page (null: no more). `skipped`
 * lists every directory of the registry that is not a readable model (a manifest without
 * `created`, malformed metrics…): it is left out of lists, compare and the default model, and
 * answers 409 `MODEL_CORRUPT` when asked for by id.
 */
export const ModelListSchema = Type.Object(
  {
    items: Type.Array(ModelSummarySchema),
    nextCursor: Nullable(Type.String()),
    skipped: Type.Array(SkippedModelSchema),
  },
  {
    examples: [
      {
        items: [SUMMARY_EXAMPLE],
        nextCursor: null,
        skipped: [
          {
            id: 'gru-broken',
            code: 'MODEL_CORRUPT',
            message: "model gru-broken: manifest.json /: missing required field 'created'",
          },
        ],
      },
    ],
  },
);

export const MODEL_SORT_KEYS = ['accuracy', 'created'] as const;
export type ModelSortKey = (typeof MODEL_SORT_KEYS)[number];

/** Query of `GET /v1/models`. */
export const ListModelsQuerySchema = Type.Object(
  {
    cell: Type.Optional(CellTypeSchema),
    sort: Type.Union([Type.Literal('accuracy'), Type.Literal('created')], {
      default: 'created',
      description: 'accuracy: best test accuracy first; created: newest first',
    }),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    offset: Type.Integer({ minimum: 0, maximum: 100_000, default: 0 }),
    cursor: Type.Optional(
      Type.String({
        pattern: RESOURCE_ID_PATTERN,
        description: "the previous page's nextCursor: only models after that one in this order",
      }),
    ),
  },
  { additionalProperties: false },
);

/** Answer to `DELETE /v1/models/:id`. */
export const ModelDeletedSchema = Type.Object(
  { id: Type.String(), deleted: Type.Literal(true) },
  { examples: [{ id: 'gru-42', deleted: true }] },
);

export type ModelSummary = Static<typeof ModelSummarySchema>;
export type ModelDetail = Static<typeof ModelDetailSchema>;
export type ModelList = Static<typeof ModelListSchema>;
export type SkippedModel = Static<typeof SkippedModelSchema>;
export type ListModelsQuery = Static<typeof ListModelsQuerySchema>;
export type TestMetrics = Static<typeof TestMetricsSchema>;
export type ModelTraining = Static<typeof ModelTrainingSchema>;
export type ModelConfigView = Static<typeof ModelConfigSchema>;
export type ModelManifestView = Static<typeof ModelManifestSchema>;
