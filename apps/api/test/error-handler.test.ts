import { NewscellError } from '@newscell/contracts';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { registerErrorHandler, STATUS_BY_CODE } from '../src/error-handler.js';

const MODELS = '/srv/newscell/models';
let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** An app whose one route throws `error`: what the handler makes of it. */
async function answerTo(error: unknown) {
  app = Fastify({ logger: false });
  registerErrorHandler(app, { bodyLimitBytes: 1024, namedDirectories: { MODELS_DIR: MODELS } });
  app.get('/boom', async () => {
    throw error;
  });
  const res = await app.inject('/boom');
  return { status: res.statusCode, error: res.json().error };
}

function fastifyError(code: string, statusCode: number, message: string) {
  return Object.assign(new Error(message), { code, statusCode });
}

describe('error envelope', () => {
  it.each([
    'DATASET_NOT_FOUND',
    'DATASET_DOWNLOAD_FAILED',
    'DATASET_CHECKSUM_MISMATCH',
    'DATASET_INVALID_ROW',
    'DATASET_EMPTY',
    'DATASET_ENCODING',
  ] as const)('%s answers 503 with a message naming no server path', async (code) => {
    const { status, error } = await answerTo(
      new NewscellError(code, '/work/shared/data/ag_news/test.csv line 4: not 3 columns', {
        details: { file: '/work/shared/data/ag_news/test.csv' },
      }),
    );
    expect(STATUS_BY_CODE[code]).toBe(503);
    expect(status).toBe(503);
    expect(error).toEqual({ code, message: '…/test.csv line 4: not 3 columns' });
  });

  it('a 409 names a model file from MODELS_DIR, not from the disk root', async () => {
    const { status, error } = await answerTo(
      new NewscellError('MODEL_CORRUPT', `${MODELS}/gru-1/weights.bin is 12 bytes, expected 40`, {
        details: { file: `${MODELS}/gru-1/weights.bin` },
      }),
    );
    expect(status).toBe(409);
    expect(error.message).toBe('MODELS_DIR/gru-1/weights.bin is 12 bytes, expected 40');
    expect(error.details).toEqual({ file: 'MODELS_DIR/gru-1/weights.bin' });
  });

  it('a 500 keeps its message and details in the log, whatever threw it', async () => {
    for (const thrown of [
      new NewscellError('INTERNAL', `${MODELS}/aliases.json is not valid JSON`),
      new Error(`ENOENT: no such file or directory, open '${MODELS}/x'`),
    ]) {
      const { status, error } = await answerTo(thrown);
      expect(status).toBe(500);
      expect(error.message).toBe('Internal server error; the server log has the details');
      expect(JSON.stringify(error)).not.toContain('/srv');
    }
  });

  it.each([
    ['FST_ERR_CTP_INVALID_CONTENT_LENGTH', 400, 'INVALID_ARGUMENT'],
    ['FST_ERR_CTP_EMPTY_JSON_BODY', 400, 'INVALID_ARGUMENT'],
    ['FST_ERR_ROUTE_MISSING_CONTENT', 400, 'INVALID_ARGUMENT'],
    ['FST_ERR_NOT_FOUND', 404, 'NOT_FOUND'],
    ['FST_ERR_CTP_INVALID_MEDIA_TYPE', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['FST_ERR_SOMETHING_NEW', 416, 'INVALID_ARGUMENT'],
  ])('Fastify code %s (%i) answers the contract code %s', async (code, statusCode, expected) => {
    const { status, error } = await answerTo(fastifyError(code, statusCode, 'Bad'));
    expect(status).toBe(statusCode);
    expect(error.code).toBe(expected);
  });
});
