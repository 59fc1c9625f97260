export { AG_NEWS_CLASS_COUNT, AG_NEWS_LABELS, type AgNewsLabel } from './labels.js';
export { ERROR_CODES, type ErrorCode, isNewscellError, NewscellError } from './errors.js';
