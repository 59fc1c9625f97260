export { buildApp } from './app.js';
export { isLoopback, loadApiConfig, MIN_API_KEY_LENGTH } from './config.js';
export { STATUS_BY_CODE } from './error-handler.js';
export { JobEvents } from './jobs/job-events.js';
export { toJobView, viewState } from './jobs/job-view.js';
export { TrainingJobService } from './jobs/training-job-service.js';
export { assertTextLimits } from './limits/text-limits.js';
