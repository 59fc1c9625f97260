import Type, { type Static, type TSchema } from 'typebox';
import {
  CellTypeSchema,
  DataSettingsSchema,
  DEFAULT_QUEUE_PREFIX,
  EmbeddingSourceSchema,
  ModelSettingsSchema,
  TokenizerSettingsSchema,
  TrainingSettingsSchema,
} from './training-job.js';
import { TrainingJobStateSchema, TrainingJobViewSchema } from './training-job-view.js';

/** Name of the BullMQ queue comparison parent jobs go on; their children go on `training`. */
export const COMPARISON_QUEUE_NAME = 'comparisons';

/** Key marking a comparison as cancelled: its summary then says so and its state is `cancelled`. */
export function comparisonCancellationKey(id: string, prefix = DEFAULT_QUEUE_PREFIX): string {
  return `${prefix}:${COMPARISON_QUEUE_NAME}:cancelled:${id}`;
}

/** Tags every child training of a comparison carries, so the jobs list can be filtered by them. */
export const comparisonTag = (id: string) => `comparison:${id}`;
export const seedTag = (seed: number) => `seed:${seed}`;

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const closed = { additionalProperties: false } as const;
const Seed = Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 });

/**
 * A matched comparison: one training per (cell, seed). The seed is both the training seed and
 * the data seed of its children, so all cells of a seed share data order, vocabulary and
 * embedding initialisation; every other setting is shared by all children.
 */
export const ComparisonRequestSchema = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    cells: Type.Array(CellTypeSchema, { minItems: 2, maxItems: 4, uniqueItems: true }),
    seeds: Type.Array(Seed, { minItems: 1, maxItems: 10, uniqueItems: true }),
    model: Type.Optional(Type.Omit(ModelSettingsSchema, ['cell'], closed)),
    training: Type.Optional(Type.Omit(TrainingSettingsSchema, ['seed'], closed)),
    data: Type.Optional(Type.Omit(DataSettingsSchema, ['seed'], closed)),
    tokenizer: Type.Optional(TokenizerSettingsSchema),
    embeddings: Type.Optional(EmbeddingSourceSchema),
  },
  {
    additionalProperties: false,
    examples: [{ name: 'three cells', cells: ['rnn', 'lstm', 'gru'], seeds: [1, 2, 3] }],
  },
);
export type ComparisonRequest = Static<typeof ComparisonRequestSchema>;

/** What the parent job holds: the request, and when the API created it. */
export const ComparisonJobDataSchema = Type.Object({
  id: Type.String(),
  request: ComparisonRequestSchema,
});
export type ComparisonJobData = Static<typeof ComparisonJobDataSchema>;

/** Mean ± sample sd over seeds; n counts the completed children behind it. */
export const SpreadSchema = Type.Object({
  n: Type.Integer({ minimum: 0 }),
  mean: Nullable(Type.Number()),
  sd: Nullable(Type.Number({ description: 'sample standard deviation; 0 for one value' })),
});
export type Spread = Static<typeof SpreadSchema>;

export const CellSummarySchema = Type.Object({
  cell: CellTypeSchema,
  seeds: Type.Array(Seed, { description: 'seeds whose training completed' }),
  modelIds: Type.Array(Type.String()),
  accuracy: SpreadSchema,
  macroF1: SpreadSchema,
  perClassF1: Type.Array(Type.Object({ label: Type.String(), f1: SpreadSchema })),
  trainingSeconds: SpreadSchema,
  samplesPerSecond: SpreadSchema,
  parameterCount: SpreadSchema,
  msPerTextBatch1: SpreadSchema,
  msPerTextBatch64: SpreadSchema,
});

export const McNemarSummarySchema = Type.Object({
  n: Type.Integer({ minimum: 0 }),
  both: Type.Integer({ minimum: 0 }),
  onlyA: Type.Integer({ minimum: 0, description: 'items only cell a gets right' }),
  onlyB: Type.Integer({ minimum: 0 }),
  neither: Type.Integer({ minimum: 0 }),
  statistic: Type.Number(),
  pValue: Type.Number({ description: 'two-sided exact binomial p-value on the discordant items' }),
  winner: Type.Union([Type.Literal('a'), Type.Literal('b'), Type.Null()]),
  alpha: Type.Number(),
});

export const PairwiseResultSchema = Type.Object({
  a: CellTypeSchema,
  b: CellTypeSchema,
  perSeed: Type.Array(Type.Intersect([Type.Object({ seed: Seed }), McNemarSummarySchema])),
  combined: McNemarSummarySchema,
});

export const ChildOutcomeSchema = Type.Object({
  jobId: Type.String(),
  cell: CellTypeSchema,
  seed: Seed,
  state: TrainingJobStateSchema,
  reason: Nullable(Type.String()),
});

/** What the parent job returns once every child finished (or was given up on). */
export const ComparisonSummarySchema = Type.Object({
  cancelled: Type.Boolean(),
  testItems: Type.Integer({ minimum: 0 }),
  cells: Type.Array(CellSummarySchema),
  pairwise: Type.Array(PairwiseResultSchema),
  children: Type.Array(ChildOutcomeSchema),
  notCompleted: Type.Array(ChildOutcomeSchema, {
    description: 'failed or cancelled children: left out of the statistics, never hidden',
  }),
  generated: Type.String({ format: 'date-time' }),
});
export type ComparisonSummary = Static<typeof ComparisonSummarySchema>;

export const COMPARISON_STATES = ['running', 'completed', 'failed', 'cancelled'] as const;
export const ComparisonStateSchema = Type.Union(
  [
    Type.Literal('running'),
    Type.Literal('completed'),
    Type.Literal('failed'),
    Type.Literal('cancelled'),
  ],
  { description: 'running (children queued or training) | completed | failed | cancelled' },
);

export const ComparisonChildSchema = Type.Object({
  cell: CellTypeSchema,
  seed: Seed,
  job: TrainingJobViewSchema,
});

/** `GET /v1/comparisons/:id`: every child with its live progress, and the summary once done. */
export const ComparisonViewSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  state: ComparisonStateSchema,
  cells: Type.Array(CellTypeSchema),
  seeds: Type.Array(Seed),
  request: ComparisonRequestSchema,
  progress: Type.Object({
    total: Type.Integer({ minimum: 0 }),
    completed: Type.Integer({ minimum: 0 }),
    failed: Type.Integer({ minimum: 0, description: 'failed or cancelled' }),
    active: Type.Integer({ minimum: 0 }),
  }),
  children: Type.Array(ComparisonChildSchema),
  summary: Nullable(ComparisonSummarySchema),
  /** Pairwise tests of the summary (empty before it), where the dashboard reads them. */
  pairwise: Type.Array(PairwiseResultSchema),
  failedReason: Nullable(Type.String()),
  timestamps: Type.Object({
    created: Nullable(Type.String({ format: 'date-time' })),
    finished: Nullable(Type.String({ format: 'date-time' })),
  }),
});
export type ComparisonView = Static<typeof ComparisonViewSchema>;

export const ComparisonListSchema = Type.Object({ items: Type.Array(ComparisonViewSchema) });
export type ComparisonList = Static<typeof ComparisonListSchema>;

export const ComparisonCancelSchema = Type.Object({
  id: Type.String(),
  state: Type.Literal('cancelling'),
  children: Type.Integer({ minimum: 0, description: 'children asked to stop' }),
});
export type ComparisonCancel = Static<typeof ComparisonCancelSchema>;

/** One test item two cells disagree on, with its text and each cell's probabilities. */
export const ComparisonDisagreementSchema = Type.Object({
  index: Type.Integer({ minimum: 0, description: 'row of the test set as evaluated' }),
  text: Type.String(),
  label: Type.String(),
  predicted: Type.Record(Type.String(), Type.String(), { description: 'topic per cell' }),
  probabilities: Type.Record(Type.String(), Type.Record(Type.String(), Type.Number())),
});

export const ComparisonDisagreementPageSchema = Type.Object({
  a: CellTypeSchema,
  b: CellTypeSchema,
  seed: Seed,
  total: Type.Integer({ minimum: 0 }),
  items: Type.Array(ComparisonDisagreementSchema),
});
export type ComparisonDisagreementPage = Static<typeof ComparisonDisagreementPageSchema>;
