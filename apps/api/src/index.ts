export { type AppDependencies, buildApp } from './app.js';
export { type ApiConfig, isLoopback, loadApiConfig, MIN_API_KEY_LENGTH } from './config.js';
export { STATUS_BY_CODE } from './error-handler.js';
export { type JobEvent, JobEvents } from './jobs/job-events.js';
export { toJobView, viewState } from './jobs/job-view.js';
export { type ListJobsQuery, TrainingJobService } from './jobs/training-job-service.js';
export { assertTextLimits } from './limits/text-limits.js';
export { ALIASES_JSON, AliasStore } from './models/alias-store.js';
export { bestByAccuracy, compareCells } from './models/compare-cells.js';
export { assertModelId, type ModelRecord, ModelRegistry } from './models/model-registry.js';
export { DEFAULT_ALIAS, ModelService, type ModelServiceParts } from './models/model-service.js';
export {
  PredictionBatcher,
  type PredictionBatcherOptions,
} from './models/prediction-batcher.js';
export { PredictorCache, type PredictorCacheOptions } from './models/predictor-cache.js';
export type { Access, Principal, Role } from './plugins/external/auth.js';
