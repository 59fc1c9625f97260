import { CANCELLED_REASON_PREFIX, isNewscellError } from '@newscell/contracts';

/** Codes of errors that retrying cannot fix: the job fails at once with the reason. */
const PERMANENT_CODES = new Set([
  'INVALID_CONFIG',
  'INVALID_ARGUMENT',
  'DATASET_NOT_FOUND',
  'DATASET_CHECKSUM_MISMATCH',
  'DATASET_INVALID_ROW',
  'DATASET_EMPTY',
  'DATASET_ENCODING',
  'VOCABULARY_INVALID',
  'EMBEDDINGS_INVALID',
  'MODEL_MISMATCH',
  'BACKEND_UNAVAILABLE',
]);

/** System errors no retry will fix: a permission or a path that is wrong stays wrong. */
const PERMANENT_SYSTEM_CODES = new Set(['EACCES', 'EPERM', 'EISDIR', 'ENOTDIR', 'ENAMETOOLONG']);

export type FailureKind = 'permanent' | 'transient';

/**
 * Sorts a failure: permanent ones (bad config, unreadable data) fail the job once with a reason a
 * person can act on; everything else (disk briefly full, Redis gone, the unknown) is retried with
 * backoff: an attempt costs less than losing a job to a fluke.
 */
export function classifyFailure(error: unknown): FailureKind {
  if (isNewscellError(error)) return PERMANENT_CODES.has(error.code) ? 'permanent' : 'transient';
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && PERMANENT_SYSTEM_CODES.has(code) ? 'permanent' : 'transient';
}

/** The failure reason stored with the job: `CODE: message`. */
export function failureReason(error: unknown): string {
  if (isNewscellError(error)) return `${error.code}: ${error.message}`;
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

/** Failure reason of a cancelled job; the API shows such jobs as `cancelled`. */
export function cancelledReason(detail: string): string {
  return `${CANCELLED_REASON_PREFIX}: ${detail}`;
}
