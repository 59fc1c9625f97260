import { type ApiError, type ErrorCode, isNewscellError } from '@newscell/contracts';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

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
};

export interface ErrorHandlerOptions {
  /** Named in the 413 answer so a client knows the limit it hit. */
  bodyLimitBytes: number;
}

/** Every error becomes `{ error: { code, message, details? } }`; 5xx details stay in the log. */
export function registerErrorHandler(app: FastifyInstance, options: ErrorHandlerOptions): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isNewscellError(error)) {
      const status = STATUS_BY_CODE[error.code] ?? 500;
      if (status >= 500) request.log.error({ err: error }, 'request failed');
      const body: ApiError = { error: { code: error.code, message: error.message } };
      if (status < 500 && error.details !== undefined) body.error.details = error.details;
      return reply.status(status).send(body);
    }
    if (error.validation) {
      return reply.status(400).send({
        error: {
          code: 'INVALID_ARGUMENT',
          message: error.message,
          details: {
            issues: error.validation.map((v) => ({
              path: `${error.validationContext ?? 'request'} ${v.instancePath === '' ? '/' : v.instancePath}`,
              message: v.message,
            })),
          },
        },
      } satisfies ApiError);
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.status(413).send({
        error: {
          code: 'PAYLOAD_TOO_LARGE',
          message: `request body is larger than ${options.bodyLimitBytes} bytes (NEWSCELL_BODY_LIMIT_BYTES)`,
        },
      } satisfies ApiError);
    }
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply.status(status).send({
        error: { code: 'INTERNAL', message: 'Internal server error' },
      } satisfies ApiError);
    }
    return reply.status(status).send({
      error: {
        code: status === 400 ? 'INVALID_ARGUMENT' : (error.code ?? 'BAD_REQUEST'),
        message: error.message,
      },
    } satisfies ApiError);
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
