import { type ErrorCode, NewscellError } from '@newscell/contracts';

/** Options shared by the tokenizer package's errors. */
export interface TokenizerPackageErrorOptions {
  /** Overrides the class's default code, e.g. `INVALID_ARGUMENT` for a bad call rather than bad data. */
  code?: ErrorCode;
  details?: Record<string, unknown>;
  cause?: unknown;
}

/** Bad tokenizer options (unknown kind, misspelt or mistyped option) or a non-string text. */
export class TokenizerError extends NewscellError {
  constructor(message: string, options: TokenizerPackageErrorOptions = {}) {
    super(options.code ?? 'INVALID_CONFIG', message, options);
  }
}

/** A vocabulary that cannot be built, read or trusted (corrupt file, hash mismatch, bad options). */
export class VocabularyError extends NewscellError {
  constructor(message: string, options: TokenizerPackageErrorOptions = {}) {
    super(options.code ?? 'VOCABULARY_INVALID', message, options);
  }
}

/** An embedding matrix that cannot be built, read or trusted (bad vectors file, truncated binary…). */
export class EmbeddingsError extends NewscellError {
  constructor(message: string, options: TokenizerPackageErrorOptions = {}) {
    super(options.code ?? 'EMBEDDINGS_INVALID', message, options);
  }
}
