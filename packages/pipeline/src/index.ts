export { TRAINING_DEFAULTS } from './defaults.js';
export {
  type CacheKind,
  type CacheOutcome,
  type CacheStats,
  cacheKey,
  PipelineCache,
  type PipelineCacheOptions,
} from './pipeline-cache.js';
export {
  type ResolvedEmbeddingSource,
  type ResolvedTrainingSpec,
  resolveTrainingSpec,
} from './resolve-training-spec.js';
export {
  defaultModelId,
  type RunTrainingContext,
  runTraining,
  type StageTimings,
  type TrainingRun,
} from './run-training.js';
export { checkComparisonBudget, checkTrainingBudget } from './training-budget.js';
export {
  AG_NEWS_BOUNDS,
  estimateTrainingCost,
  type TrainingCostEstimate,
  type TrainingDataSize,
} from './training-cost.js';
