import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  TrainingJobCancelSchema,
  TrainingJobDataSchema,
  TrainingJobListSchema,
  TrainingJobViewSchema,
} from '@newscell/contracts';
import type { FastifyInstance } from 'fastify';
import type { EventStreamSlotsOptions } from '../../jobs/event-stream-slots.js';
import { jobEventRoutes } from './events.js';
import {
  adminSecurity,
  errorResponses,
  JobParamsSchema,
  ListJobsQuerySchema,
  readSecurity,
} from './schemas.js';

const tags = ['training jobs'];

/** `/v1/training-jobs`: enqueue (admin), list and read (read), cancel (admin), watch (read). */
export interface TrainingJobRoutesOptions {
  /** Time between heartbeat comments on event streams. */
  sseHeartbeatMs: number;
  /** Open event streams allowed in total and per key. */
  sseLimits: EventStreamSlotsOptions;
}

export async function trainingJobRoutes(
  app: FastifyInstance,
  options: TrainingJobRoutesOptions,
): Promise<void> {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.post(
    '/v1/training-jobs',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Enqueue a training job',
        description: 'Settings left out take their defaults when the worker runs the job.',
        security: adminSecurity,
        body: TrainingJobDataSchema,
        response: { 202: TrainingJobViewSchema, ...errorResponses(400, 401, 403, 413, 429, 503) },
      },
    },
    async (request, reply) => reply.status(202).send(await app.trainingJobs.create(request.body)),
  );

  api.get(
    '/v1/training-jobs',
    {
      schema: {
        tags,
        summary: 'List training jobs, newest first',
        description:
          'Filter by state and cell; page with limit and offset, or pass the nextCursor of a page as cursor.',
        security: readSecurity,
        querystring: ListJobsQuerySchema,
        response: { 200: TrainingJobListSchema, ...errorResponses(400, 401, 429, 503) },
      },
    },
    async (request) => app.trainingJobs.list(request.query),
  );

  api.get(
    '/v1/training-jobs/:id',
    {
      schema: {
        tags,
        summary: 'One training job: settings, progress, per-epoch history, result',
        security: readSecurity,
        params: JobParamsSchema,
        response: { 200: TrainingJobViewSchema, ...errorResponses(400, 401, 404, 429, 503) },
      },
    },
    async (request) => app.trainingJobs.get(request.params.id),
  );

  api.delete(
    '/v1/training-jobs/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Cancel a training job',
        description:
          'A queued job is removed (state cancelled); an active one is asked to stop at its next batch (state cancelling). A finished job answers 409.',
        security: adminSecurity,
        params: JobParamsSchema,
        response: {
          202: TrainingJobCancelSchema,
          ...errorResponses(400, 401, 403, 404, 409, 429, 503),
        },
      },
    },
    async (request, reply) =>
      reply.status(202).send(await app.trainingJobs.cancel(request.params.id)),
  );

  await app.register(jobEventRoutes, {
    heartbeatMs: options.sseHeartbeatMs,
    limits: options.sseLimits,
  });
}
