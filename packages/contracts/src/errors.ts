/**
 * Stable error codes shared by every newscell package and app. A code never changes meaning once
 * published: the API maps codes to HTTP statuses in one place and clients may branch on them.
 */
export const ERROR_CODES = [
  // data set files
  'DATASET_NOT_FOUND',
  'DATASET_DOWNLOAD_FAILED',
  'DATASET_CHECKSUM_MISMATCH',
  'DATASET_INVALID_ROW',
  'DATASET_EMPTY',
  'DATASET_ENCODING',
  // tokenizer, vocabulary, embeddings
  'VOCABULARY_INVALID',
  'EMBEDDINGS_INVALID',
  // configuration and input
  'INVALID_CONFIG',
  'INVALID_ARGUMENT',
  // models and artifacts
  'MODEL_NOT_FOUND',
  'MODEL_CORRUPT',
  'MODEL_MISMATCH',
  'MODEL_IN_USE',
  'BACKEND_UNAVAILABLE',
  // jobs
  'JOB_CANCELLED',
  'JOB_NOT_FOUND',
  'JOB_FINISHED',
  // HTTP API
  'UNAUTHORIZED',
  'FORBIDDEN',
  'RATE_LIMITED',
  'PAYLOAD_TOO_LARGE',
  'LIMIT_EXCEEDED',
  'NOT_FOUND',
  'UNSUPPORTED_MEDIA_TYPE',
  // infrastructure
  'REDIS_UNAVAILABLE',
  'STORE_UNAVAILABLE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * Base class of every error newscell throws on purpose. `message` is written for a person and
 * says what to do; `code` is for programs; `details` carries structured context (file, line, field…).
 */
export class NewscellError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details;
  }

  toJSON(): { code: ErrorCode; message: string; details?: Readonly<Record<string, unknown>> } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** True for any error thrown as a `NewscellError` (also across duplicated module copies). */
export function isNewscellError(error: unknown): error is NewscellError {
  if (error instanceof NewscellError) return true;
  const code: unknown = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && (ERROR_CODES as readonly string[]).includes(code);
}
