import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  AliasListSchema,
  AliasNameSchema,
  AliasSchema,
  CompareResponseSchema,
  ListModelsQuerySchema,
  ModelDeletedSchema,
  ModelDetailSchema,
  ModelIdSchema,
  ModelListSchema,
  type PredictRequest,
  PredictRequestSchema,
  PredictResponseSchema,
  PutAliasRequestSchema,
} from '@newscell/contracts';
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import type { ApiConfig } from '../../config.js';
import { assertTextLimits } from '../../limits/text-limits.js';
import { adminSecurity, errorResponses, readSecurity } from '../training-jobs/schemas.js';

const ModelParamsSchema = Type.Object({ id: ModelIdSchema }, { additionalProperties: false });
const AliasParamsSchema = Type.Object({ name: AliasNameSchema }, { additionalProperties: false });

export interface ModelRoutesOptions {
  limits: ApiConfig['limits'];
}

/**
 * `/v1/models` (list, read, delete, predict), `/v1/predict` (the default model), `/v1/aliases`
 * and `/v1/compare`, over the registry in MODELS_DIR.
 */
export async function modelRoutes(
  app: FastifyInstance,
  options: ModelRoutesOptions,
): Promise<void> {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const textsOf = (body: PredictRequest): string[] => {
    const texts = 'text' in body ? [body.text] : body.texts;
    assertTextLimits(texts, options.limits);
    return texts;
  };
  const predictDescription = `One text or up to NEWSCELL_MAX_TEXTS (${options.limits.textsPerRequest}) texts of up to NEWSCELL_MAX_TEXT_CHARS (${options.limits.charsPerText}) characters; concurrent requests to the same model share one model call (micro-batching). 409 MODEL_CORRUPT/MODEL_MISMATCH when the model cannot be loaded, naming the reason.`;

  api.get(
    '/v1/models',
    {
      schema: {
        tags: ['models'],
        summary: 'List trained models with their test metrics',
        description:
          'Filter by cell; sort by accuracy (best first) or created (newest first); page with limit and offset, or pass nextCursor as cursor. Models the worker saves appear at once.',
        security: readSecurity,
        querystring: ListModelsQuerySchema,
        response: { 200: ModelListSchema, ...errorResponses(400, 401, 429) },
      },
    },
    async (request) => app.models.list(request.query),
  );

  api.get(
    '/v1/models/:id',
    {
      schema: {
        tags: ['models'],
        summary: 'One model: config, manifest, test metrics (confusion matrix, per class), history',
        security: readSecurity,
        params: ModelParamsSchema,
        response: { 200: ModelDetailSchema, ...errorResponses(400, 401, 404, 409, 429) },
      },
    },
    async (request) => app.models.detail(request.params.id),
  );

  api.delete(
    '/v1/models/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['models'],
        summary: 'Delete a model from the registry (and unload it)',
        description:
          'Refused with 409 MODEL_IN_USE while an alias points at the model: move or delete the alias first.',
        security: adminSecurity,
        params: ModelParamsSchema,
        response: { 200: ModelDeletedSchema, ...errorResponses(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request) => {
      await app.models.remove(request.params.id);
      return { id: request.params.id, deleted: true as const };
    },
  );

  api.post(
    '/v1/models/:id/predict',
    {
      schema: {
        tags: ['predict'],
        summary: 'Topic of one or more texts by one model',
        description: predictDescription,
        security: readSecurity,
        params: ModelParamsSchema,
        body: PredictRequestSchema,
        response: {
          200: PredictResponseSchema,
          ...errorResponses(400, 401, 404, 409, 413, 429),
        },
      },
    },
    async (request) => app.models.predict(request.params.id, textsOf(request.body)),
  );

  api.post(
    '/v1/predict',
    {
      schema: {
        tags: ['predict'],
        summary: 'Topic of one or more texts by the default model',
        description: `The default model is alias 'default' when set, else the model with the best test accuracy; 404 MODEL_NOT_FOUND when there is none. ${predictDescription}`,
        security: readSecurity,
        body: PredictRequestSchema,
        response: {
          200: PredictResponseSchema,
          ...errorResponses(400, 401, 404, 409, 413, 429),
        },
      },
    },
    async (request) => {
      const texts = textsOf(request.body);
      return app.models.predict(await app.models.defaultModelId(), texts, { knownToExist: true });
    },
  );

  api.get(
    '/v1/aliases',
    {
      schema: {
        tags: ['aliases'],
        summary: 'Every alias and the model it names',
        security: readSecurity,
        response: { 200: AliasListSchema, ...errorResponses(401, 429) },
      },
    },
    async () => ({ items: await app.models.listAliases() }),
  );

  api.put(
    '/v1/aliases/:name',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['aliases'],
        summary: 'Point an alias at a model',
        description: "Alias 'default' chooses the model of POST /v1/predict.",
        security: adminSecurity,
        params: AliasParamsSchema,
        body: PutAliasRequestSchema,
        response: { 200: AliasSchema, ...errorResponses(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request) => app.models.setAlias(request.params.name, request.body.modelId),
  );

  api.delete(
    '/v1/aliases/:name',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['aliases'],
        summary: 'Remove an alias (the model stays); answers the alias removed',
        security: adminSecurity,
        params: AliasParamsSchema,
        response: { 200: AliasSchema, ...errorResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request) => app.models.removeAlias(request.params.name),
  );

  api.get(
    '/v1/compare',
    {
      schema: {
        tags: ['models'],
        summary: 'Cell types side by side: accuracy, macro-F1, training time, size, latency',
        description:
          'Every cell type is listed, with 0 models and null figures when it has none. Figures come from the metrics the worker saved with each model.',
        security: readSecurity,
        response: { 200: CompareResponseSchema, ...errorResponses(401, 429) },
      },
    },
    async () => app.models.compare(),
  );
}
