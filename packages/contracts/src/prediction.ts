import Type, { type Static } from 'typebox';
import { AG_NEWS_LABELS } from './labels.js';
import { ModelIdSchema } from './model-view.js';

/**
 * Body of the predict routes: one text, or many. Limits on the count and length of texts are
 * the server's (NEWSCELL_MAX_TEXTS, NEWSCELL_MAX_TEXT_CHARS), answered with 400 LIMIT_EXCEEDED.
 */
export const PredictRequestSchema = Type.Union(
  [
    Type.Object({ text: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
    Type.Object(
      { texts: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }) },
      { additionalProperties: false },
    ),
  ],
  {
    description: '{ "text": "…" } or { "texts": ["…", …] }',
    examples: [
      { text: 'Stocks rally as the central bank holds rates' },
      { texts: ['Federer wins in straight sets', 'New chip doubles battery life'] },
    ],
  },
);

/** Probability of every AG News class, by class name; they sum to 1. */
export const TopicProbabilitiesSchema = Type.Object(
  Object.fromEntries(AG_NEWS_LABELS.map((label) => [label, Type.Number()])) as Record<
    (typeof AG_NEWS_LABELS)[number],
    ReturnType<typeof Type.Number>
  >,
);

/** The answer for one text. */
export const TopicPredictionSchema = Type.Object({
  label: Type.Union(
    AG_NEWS_LABELS.map((l) => Type.Literal(l)),
    { description: 'the most probable class' },
  ),
  labelIndex: Type.Integer({ minimum: 0, maximum: AG_NEWS_LABELS.length - 1 }),
  probabilities: TopicProbabilitiesSchema,
});

/** One prediction per text, in request order; `modelId` says which model answered. */
export const PredictResponseSchema = Type.Object(
  {
    modelId: Type.String(),
    predictions: Type.Array(TopicPredictionSchema),
  },
  {
    examples: [
      {
        modelId: 'lstm-42',
        predictions: [
          {
            label: 'Business',
            labelIndex: 2,
            probabilities: { World: 0.08, Sports: 0.01, Business: 0.83, 'Sci/Tech': 0.08 },
          },
        ],
      },
    ],
  },
);

/** Alias names: like ids, they never name a path. */
export const AliasNameSchema = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$',
  description: "an alias name; 'default' is the model POST /v1/predict uses",
  examples: ['default'],
});

/** Body of `PUT /v1/aliases/:name`. */
export const PutAliasRequestSchema = Type.Object(
  { modelId: ModelIdSchema },
  { additionalProperties: false, examples: [{ modelId: 'lstm-42' }] },
);

/** An alias: a stable name for a model. */
export const AliasSchema = Type.Object(
  {
    name: Type.String(),
    modelId: Type.String(),
    updated: Type.String({ format: 'date-time' }),
  },
  { examples: [{ name: 'default', modelId: 'lstm-42', updated: '2026-11-27T18:00:00.000Z' }] },
);

export const AliasListSchema = Type.Object(
  { items: Type.Array(AliasSchema) },
  {
    examples: [
      { items: [{ name: 'default', modelId: 'lstm-42', updated: '2026-11-27T18:00:00.000Z' }] },
    ],
  },
);

export type PredictRequest = Static<typeof PredictRequestSchema>;
export type TopicPrediction = Static<typeof TopicPredictionSchema>;
export type PredictResponse = Static<typeof PredictResponseSchema>;
export type Alias = Static<typeof AliasSchema>;
export type AliasList = Static<typeof AliasListSchema>;
export type PutAliasRequest = Static<typeof PutAliasRequestSchema>;
