import Type, { type Static } from 'typebox';
import {
  EpochRecordSchema,
  TrainingJobDataSchema,
  TrainingProgressSchema,
  TrainingResultSchema,
} from './training-job.js';

/**
 * A training job's state as the API reports it. BullMQ's waiting, delayed, prioritized and
 * waiting-children are all `queued`; a job that failed because it was cancelled is `cancelled`.
 */
export const TRAINING_JOB_STATES = [
  'queued',
  'active',
  'completed',
  'failed',
  'cancelled',
] as const;
export type TrainingJobState = (typeof TRAINING_JOB_STATES)[number];

export const TrainingJobStateSchema = Type.Union(
  [
    Type.Literal('queued'),
    Type.Literal('active'),
    Type.Literal('completed'),
    Type.Literal('failed'),
    Type.Literal('cancelled'),
  ],
  { description: 'queued | active | completed | failed | cancelled' },
);

/** Job ids and model ids: letters, digits, `_` and `-` only, so they never name a path. */
export const RESOURCE_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$';

export const TrainingJobIdSchema = Type.String({
  pattern: RESOURCE_ID_PATTERN,
  description: 'job id as returned by POST /v1/training-jobs',
  examples: ['42'],
});

const Timestamp = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

/** One training job: what was asked, how far it got, and what came out. */
export const TrainingJobViewSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String({ description: "the job's name: data.name, else '<cell> training'" }),
    state: TrainingJobStateSchema,
    data: TrainingJobDataSchema,
    progress: Type.Union([TrainingProgressSchema, Type.Null()], {
      description: "the worker's latest progress report, null before the first",
    }),
    history: Type.Array(EpochRecordSchema, { description: 'every finished epoch so far' }),
    modelId: Type.Union([Type.String(), Type.Null()], {
      description: 'the trained model, once the job completed',
    }),
    result: Type.Union([TrainingResultSchema, Type.Null()]),
    failedReason: Type.Union([Type.String(), Type.Null()]),
    attemptsMade: Type.Integer({ minimum: 0 }),
    timestamps: Type.Object({ created: Timestamp, started: Timestamp, finished: Timestamp }),
  },
  {
    examples: [
      {
        id: '42',
        name: 'quick gru',
        state: 'queued',
        data: { name: 'quick gru', model: { cell: 'gru' }, training: { epochs: 3 } },
        progress: null,
        history: [],
        modelId: null,
        result: null,
        failedReason: null,
        attemptsMade: 0,
        timestamps: { created: '2026-11-27T18:00:00.000Z', started: null, finished: null },
      },
    ],
  },
);

/** A page of jobs, newest first; pass `nextCursor` as `cursor` for the next page (null: no more). */
export const TrainingJobListSchema = Type.Object({
  items: Type.Array(TrainingJobViewSchema),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

/**
 * Answer to a cancel: `cancelled` when the queued job was removed, `cancelling` when the worker
 * running it was asked to stop (it ends as `cancelled` at its next batch).
 */
export const TrainingJobCancelSchema = Type.Object({
  id: Type.String(),
  state: Type.Union([Type.Literal('cancelled'), Type.Literal('cancelling')]),
});

export type TrainingJobView = Static<typeof TrainingJobViewSchema>;
export type TrainingJobList = Static<typeof TrainingJobListSchema>;
export type TrainingJobCancel = Static<typeof TrainingJobCancelSchema>;
