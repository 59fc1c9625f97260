import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  CellTypeSchema,
  ComparisonCancelSchema,
  ComparisonDisagreementPageSchema,
  ComparisonListSchema,
  ComparisonRequestSchema,
  ComparisonViewSchema,
  NewscellError,
  RESOURCE_ID_PATTERN,
} from '@newscell/contracts';
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { adminSecurity, errorResponses, readSecurity } from '../training-jobs/schemas.js';

const tags = ['comparisons'];
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
export async function comparisonRoutes(app: FastifyInstance) {
  const service = app.comparisons;
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
