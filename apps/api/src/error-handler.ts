import { type ApiError, type ErrorCode, isNewscellError } from '@newscell/contracts';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type NamedDirectories, redactServerPaths, redactServerPathsDeep } from './server-paths.js';

/** The one place error codes become HTTP statuses. */
export const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  INVALID_ARGUMENT: 400,
  INVALID_CONFIG: 400,
  LIMIT_EXCEEDED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  MODEL_NOT_FOUND: 404,
  JOB_NOT_FOUND: 404,
  NOT_FOUND: 404,
  MODEL_CORRUPT: 409,
  MODEL_MISMATCH: 409,
  MODEL_IN_USE: 409,
  JOB_FINISHED: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  REDIS_UNAVAILABLE: 503,
  // The server lacks AG News (disagreement texts need it); it answers once the data is in place.
  DATASET_NOT_FOUND: 503,
  // The server's AG News copy cannot be used (the operator must replace it): not the request's fault.
  DATASET_DOWNLOAD_FAILED: 503,
  DATASET_CHECKSUM_MISMATCH: 503,
  DATASET_INVALID_ROW: 503,
  DATASET_EMPTY: 503,
  DATASET_ENCODING: 503,
  BACKEND_UNAVAILABLE: 503,
  UNSUPPORTED_MEDIA_TYPE: 415,
};

export interface ErrorHandlerOptions {
  /** Named in the 413 answer so a client knows the limit it hit. */
  bodyLimitBytes: number;
  /**
   * Directories messages name by their variable (`MODELS_DIR/…`) rather than by their place on
   * this machine; any other absolute path is cut to its last part. @defaultValue none
   */
  namedDirectories?: NamedDirectories;
}

/**
 * The code of an error Fastify or a plugin raised with only a status (`FST_ERR_…` codes are not
 * the contract's): any other 4xx is a request the API cannot take as sent.
 */
const CODE_BY_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
};

const INTERNAL_MESSAGE = 'Internal server error; the server log has the details';

/**
 * Every error becomes `{ error: { code, message, details? } }`. Messages and details never carry
 * this machine's absolute paths; a 500's message and any 5xx's details stay in the log (a 5xx
 * mapped on purpose, like 503 REDIS_UNAVAILABLE, keeps a message saying what to do).
 */
export function registerErrorHandler(app: FastifyInstance, options: ErrorHandlerOptions): void {
  const named = options.namedDirectories ?? {};
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const send = (status: number, code: string, message: string, details?: unknown) => {
      if (status >= 500) request.log.error({ err: error }, 'request failed');
      const shown = status === 500 ? INTERNAL_MESSAGE : redactServerPaths(message, named);
      const body: ApiError = { error: { code, message: shown } };
      if (status < 500 && details !== undefined) {
        body.error.details = redactServerPathsDeep(details, named);
      }
      return reply.status(status).send(body);
    };
    if (isNewscellError(error)) {
      return send(STATUS_BY_CODE[error.code] ?? 500, error.code, error.message, error.details);
    }
    if (error.validation) {
      return send(400, 'INVALID_ARGUMENT', error.message, {
        issues: error.validation.map((v) => ({
          path: `${error.validationContext ?? 'request'} ${v.instancePath === '' ? '/' : v.instancePath}`,
          message: v.message,
        })),
      });
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return send(
        413,
        'PAYLOAD_TOO_LARGE',
        `request body is larger than ${options.bodyLimitBytes} bytes (NEWSCELL_BODY_LIMIT_BYTES)`,
      );
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      const type = String(request.headers['content-type'] ?? '').slice(0, 100);
      return send(
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        `content-type '${type}' is not accepted: send application/json`,
      );
    }
    const status = error.statusCode ?? 500;
    if (status < 400 || status >= 500) return send(Math.max(status, 500), 'INTERNAL', '');
    return send(status, CODE_BY_STATUS[status] ?? 'INVALID_ARGUMENT', error.message);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: { code: 'NOT_FOUND', message: `No route ${request.method} ${request.url}` },
    } satisfies ApiError),
  );
}

/**
 * Errors the router raises before any route runs (a malformed or over-long URL): same envelope.
 * Passed to Fastify as `frameworkErrors`.
 */
export function frameworkErrorHandler(
  error: FastifyError,
  _request: FastifyRequest,
  reply: FastifyReply,
): void {
  const status = error.statusCode ?? 400;
  reply.status(status).send({
    error: {
      code: 'INVALID_ARGUMENT',
      message:
        error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? 'a path parameter is longer than 100 characters'
          : 'the URL is not valid',
    },
  } satisfies ApiError);
}
