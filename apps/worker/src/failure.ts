import { CANCELLED_REASON_PREFIX, isNewscellError } from '@newscell/contracts';

/** Codes of errors that retrying cannot fix: the job fails at once with the reason. */
const PERMANENT_CODES = new Set([
  'INVALID_CONFIG',
  'INVALID_ARGUMENT',
  // Over NEWSCELL_MAX_JOB_MEMORY_MB / NEWSCELL_MAX_JOB_GFLOP: the same job is as large next time.
  'LIMIT_EXCEEDED',
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
  if (isOutOfMemory(error)) return 'permanent';
  if (isNewscellError(error)) return PERMANENT_CODES.has(error.code) ? 'permanent' : 'transient';
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && PERMANENT_SYSTEM_CODES.has(code) ? 'permanent' : 'transient';
}

/** What to do about a job that ran out of memory (part of its failure reason). */
export const OUT_OF_MEMORY_ADVICE =
  'the same job needs as much on every attempt: make it smaller (batch size, max length, vocabulary, hidden units) or give the worker more memory';

/**
 * Out of memory in the training process: a JS allocation refused (`RangeError: Array buffer
 * allocation failed`), the WebAssembly heap unable to grow, or the system's `ENOMEM`. Retrying
 * the same job on the same machine only fails again, after the same long wait: permanent.
 */
export function isOutOfMemory(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === 'ENOMEM' || code === 'ERR_MEMORY_ALLOCATION_FAILED') return true;
  const message = error instanceof Error ? error.message : String(error);
  return /out of memory|allocation failed|Cannot allocate memory|Maximum memory size exceeded|WebAssembly\.Memory\.grow|Aborted\(OOM\)/i.test(
    message,
  );
}

/**
 * The failure reason BullMQ records when a training process dies without answering: exit code
 * 134 is V8's abort on reaching the heap limit, SIGKILL of the child alone the kernel's OOM killer
 * (a killed *worker* makes its job stalled, not failed, so it never lands here).
 */
export function crashedOutOfMemory(failedReason: string | undefined): boolean {
  return /^Unexpected exit code: (134 signal|null signal: SIGKILL|\S+ signal: SIGABRT)/.test(
    failedReason ?? '',
  );
}

/** The failure reason stored with the job: `CODE: message`. */
export function failureReason(error: unknown): string {
  if (isOutOfMemory(error)) {
    const message = error instanceof Error ? error.message : String(error);
    return `out of memory: ${message}; ${OUT_OF_MEMORY_ADVICE}`;
  }
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
