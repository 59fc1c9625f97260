import { type ErrorCode, isNewscellError } from '@newscell/contracts';
import type { FastifyError, FastifyInstance } from 'fastify';

/** The one place error codes become HTTP statuses. */
const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  INVALID_ARGUMENT: 400,
  INVALID_CONFIG: 400,
  MODEL_NOT_FOUND: 404,
  JOB_NOT_FOUND: 404,
  MODEL_CORRUPT: 409,
  MODEL_MISMATCH: 409,
  REDIS_UNAVAILABLE: 503,
};

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** Every error becomes `{ error: { code, message, details? } }`; 5xx details stay in the log. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isNewscellError(error)) {
      const status = STATUS_BY_CODE[error.code] ?? 500;
      if (status >= 500) request.log.error({ err: error }, 'request failed');
      const body: ErrorBody = { error: { code: error.code, message: error.message } };
      if (status < 500 && error.details !== undefined) body.error.details = error.details;
      return reply.status(status).send(body);
    }
    if (error.validation) {
      return reply.status(400).send({
        error: {
          code: 'INVALID_ARGUMENT',
          message: `${error.validationContext ?? 'request'}${error.message.replace(/^[a-z]+/, '')}`,
          details: error.validation,
        },
      } satisfies ErrorBody);
    }
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply.status(status).send({
        error: { code: 'INTERNAL', message: 'Internal server error' },
      } satisfies ErrorBody);
    }
    return reply.status(status).send({
      error: { code: error.code ?? 'BAD_REQUEST', message: error.message },
    } satisfies ErrorBody);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: { code: 'NOT_FOUND', message: `No route ${request.method} ${request.url}` },
    } satisfies ErrorBody),
  );
}
