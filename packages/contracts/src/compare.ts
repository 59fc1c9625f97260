import Type, { type Static, type TSchema } from 'typebox';
import { CellTypeSchema } from './training-job.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** Best and mean of one figure over a cell's models (null when no model reports it). */
export const BestAndMeanSchema = Type.Object({
  best: Nullable(Type.Number()),
  mean: Nullable(Type.Number()),
});

/**
 * One cell type across the registry. `models` counts every model of the cell; the figures are
 * over those with metrics (`scoredModels`). Latency is per text, from each model's own timing.
 */
export const CellComparisonSchema = Type.Object({
  cell: CellTypeSchema,
  models: Type.Integer({ minimum: 0 }),
  scoredModels: Type.Integer({ minimum: 0, description: 'models with metrics.json' }),
  bestModelId: Nullable(Type.String({ description: 'highest test accuracy of the cell' })),
  accuracy: BestAndMeanSchema,
  macroF1: BestAndMeanSchema,
  meanTrainingSeconds: Nullable(Type.Number()),
  meanSamplesPerSecond: Nullable(Type.Number({ description: 'training throughput' })),
  meanParameterCount: Nullable(Type.Number()),
  meanMsPerTextBatch1: Nullable(Type.Number({ description: 'inference, one text at a time' })),
  meanMsPerTextBatch64: Nullable(Type.Number({ description: 'inference, 64 texts at a time' })),
});

/** `GET /v1/compare`: every cell type (also those without models), in CELL_TYPES order. */
export const CompareResponseSchema = Type.Object(
  {
    cells: Type.Array(CellComparisonSchema),
    bestModelId: Nullable(Type.String({ description: 'highest test accuracy overall' })),
    generated: Type.String({ format: 'date-time' }),
  },
  {
    examples: [
      {
        cells: [
          {
            cell: 'lstm',
            models: 2,
            scoredModels: 2,
            bestModelId: 'lstm-42',
            accuracy: { best: 0.88, mean: 0.86 },
            macroF1: { best: 0.879, mean: 0.858 },
            meanTrainingSeconds: 120.5,
            meanSamplesPerSecond: 990,
            meanParameterCount: 530_000,
            meanMsPerTextBatch1: 2.4,
            meanMsPerTextBatch64: 0.22,
          },
        ],
        bestModelId: 'lstm-42',
        generated: '2026-11-27T18:00:00.000Z',
      },
    ],
  },
);

export type CellComparison = Static<typeof CellComparisonSchema>;
export type CompareResponse = Static<typeof CompareResponseSchema>;
