export { type AppDependencies, buildApp } from './app.js';
export { type ApiConfig, isLoopback, loadApiConfig, MIN_API_KEY_LENGTH } from './config.js';
export { STATUS_BY_CODE } from './error-handler.js';
export { type JobEvent, JobEvents } from './jobs/job-events.js';
export { toJobView, viewState } from './jobs/job-view.js';
export { type ListJobsQuery, TrainingJobService } from './jobs/training-job-service.js';
export { assertTextLimits } from './limits/text-limits.js';
export type { Access, Principal, Role } from './plugins/external/auth.js';
