export * from './api-error.js';
export * from './compare.js';
export * from './comparison.js';
export { ERROR_CODES, type ErrorCode, isNewscellError, NewscellError } from './errors.js';
export { AG_NEWS_CLASS_COUNT, AG_NEWS_LABELS, type AgNewsLabel } from './labels.js';
export * from './model-view.js';
export * from './prediction.js';
export * from './queue.js';
export * from './training-budget.js';
export * from './training-job.js';
export * from './training-job-view.js';
export {
  parseEnvironment,
  parseWithSchema,
  type ValidationIssue,
  validationIssues,
} from './validation.js';
