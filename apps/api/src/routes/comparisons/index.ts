import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  CellTypeSchema,
  COMPARISON_QUEUE_NAME,
  ComparisonCancelSchema,
  ComparisonDisagreementPageSchema,
  type ComparisonJobData,
  ComparisonListSchema,
  ComparisonRequestSchema,
  type ComparisonSummary,
  ComparisonViewSchema,
  NewscellError,
  RESOURCE_ID_PATTERN,
  TRAINING_QUEUE_NAME,
  type TrainingBudget,
  type TrainingJobData,
  type TrainingResult,
} from '@newscell/contracts';
import { resolveAgNewsDir } from '@newscell/dataset';
import { FlowProducer, Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import Type from 'typebox';
import { ComparisonService } from '../../comparisons/comparison-service.js';
import { TestTextCache } from '../../comparisons/test-texts.js';
import type { ApiConfig } from '../../config.js';
import { adminSecurity, errorResponses, readSecurity } from '../training-jobs/schemas.js';

export interface ComparisonRoutesOptions {
  redisUrl: string;
  /** BullMQ key prefix (not `prefix`: Fastify would read that as a route prefix). */
  queuePrefix: string;
  modelsDir: string;
  /**
   * Where the AG News CSVs are, for the texts of disagreements: found as the worker finds them
   * (`AGNEWS_DIR`, else `./data/ag_news`, else a download) on the first request that needs them,
   * so the API starts and serves without the data.
   */
  agNews: ApiConfig['agNews'];
  /** Largest comparison accepted. @defaultValue `TRAINING_BUDGET_DEFAULTS` */
  budget?: TrainingBudget;
}

const tags = ['comparisons'];
const CLOSE_TIMEOUT_MS = 5000;
const ParamsSchema = Type.Object(
  { id: Type.String({ pattern: RESOURCE_ID_PATTERN }) },
  { additionalProperties: false },
);
const ListQuerySchema = Type.Object(
  { limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) },
  { additionalProperties: false },
);
const DisagreementQuerySchema = Type.Object(
  {
    a: CellTypeSchema,
    b: CellTypeSchema,
    seed: Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 }),
    offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  },
  { additionalProperties: false },
);

/** `/v1/comparisons`: start (admin), list and read (read), cancel (admin), disagreements (read). */
export async function comparisonRoutes(app: FastifyInstance, options: ComparisonRoutesOptions) {
  // Own connections, failing fast like the training queue's, so a request answers 503 not never.
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 10_000 });
  redis.on('error', (err) => app.log.warn({ err: err.message }, 'redis connection error'));
  const queueOptions = { connection: redis, prefix: options.queuePrefix };
  const comparisons = new Queue<ComparisonJobData, ComparisonSummary>(
    COMPARISON_QUEUE_NAME,
    queueOptions,
  );
  const training = new Queue<TrainingJobData, TrainingResult>(TRAINING_QUEUE_NAME, queueOptions);
  const flows = new FlowProducer(queueOptions);
  const warn = (err: Error) => app.log.warn({ err: err.message }, 'comparison queue error');
  comparisons.on('error', warn);
  training.on('error', warn);
  flows.on('error', warn);
  const service = new ComparisonService({
    flows,
    comparisons,
    training,
    redis,
    prefix: options.queuePrefix,
    modelsDir: options.modelsDir,
    ...(options.budget === undefined ? {} : { budget: options.budget }),
    testTexts: new TestTextCache(async () => {
      const { dir, url, dataDir } = options.agNews;
      const env = { AGNEWS_DIR: dir, AGNEWS_URL: url };
      return (await resolveAgNewsDir({ env, dataDir })).dir;
    }),
  });
  app.addHook('onClose', async () => {
    // As the training queue does: BullMQ's close would wait for ever for an absent Redis.
    if (redis.status !== 'ready') redis.disconnect();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([comparisons.close(), training.close(), flows.close()]),
      new Promise((r) => (timer = setTimeout(r, CLOSE_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
    await redis.quit().catch(() => redis.disconnect());
  });

  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  api.post(
    '/v1/comparisons',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Start a matched comparison: one training per (cell, seed)',
        description:
          'Each seed is the training and data seed of its children, so all cells of a seed share data order, vocabulary and embedding initialisation.',
        security: adminSecurity,
        body: ComparisonRequestSchema,
        response: { 202: ComparisonViewSchema, ...errorResponses(400, 401, 403, 413, 429, 503) },
      },
    },
    async (request, reply) => reply.status(202).send(await service.create(request.body)),
  );

  api.get(
    '/v1/comparisons',
    {
      schema: {
        tags,
        summary: 'Comparisons, newest first',
        security: readSecurity,
        querystring: ListQuerySchema,
        response: { 200: ComparisonListSchema, ...errorResponses(400, 401, 429, 503) },
      },
    },
    async (request) => service.list(request.query.limit),
  );

  api.get(
    '/v1/comparisons/:id',
    {
      schema: {
        tags,
        summary: 'One comparison: every child with its progress, and the summary once done',
        security: readSecurity,
        params: ParamsSchema,
        response: { 200: ComparisonViewSchema, ...errorResponses(400, 401, 404, 429, 503) },
      },
    },
    async (request) => service.get(request.params.id),
  );

  api.delete(
    '/v1/comparisons/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Cancel a comparison: every unfinished child stops; the summary says cancelled',
        security: adminSecurity,
        params: ParamsSchema,
        response: {
          202: ComparisonCancelSchema,
          ...errorResponses(400, 401, 403, 404, 409, 429, 503),
        },
      },
    },
    async (request, reply) => reply.status(202).send(await service.cancel(request.params.id)),
  );

  api.get(
    '/v1/comparisons/:id/disagreements',
    {
      schema: {
        tags,
        summary: 'Test items two cells of one seed disagree on, with text and probabilities',
        security: readSecurity,
        params: ParamsSchema,
        querystring: DisagreementQuerySchema,
        response: {
          200: ComparisonDisagreementPageSchema,
          ...errorResponses(400, 401, 404, 409, 429, 503),
        },
      },
    },
    async (request) => {
      const { a, b } = request.query;
      if (a === b) {
        throw new NewscellError('INVALID_ARGUMENT', `a and b are both '${a}': name two cells`, {
          details: { field: 'b', value: b },
        });
      }
      return service.disagreements(request.params.id, request.query);
    },
  );
}
