import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { isNewscellError, NewscellError } from '@newscell/contracts';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { STATUS_BY_CODE } from '../../error-handler.js';

export const BULL_BOARD_PATH = '/admin/queues';

export interface BullBoardOptions {
  /**
   * Lets the board change the queue (add jobs, with any `jobId`; retry, promote, clean, remove,
   * pause, empty, obliterate). NEWSCELL_BULL_BOARD_WRITE.
   * @defaultValue `false`: the board only shows queues and jobs.
   */
  write?: boolean;
}

/** Methods that only read: anything else on the board changes the queue. */
const READ_METHODS = new Set(['GET', 'HEAD']);

/**
 * bull-board on the training queue at /admin/queues, for admin keys only. Its routes are marked
 * in their own context so they take the admin check and stay out of the OpenAPI document.
 * Read-only unless `write`: the queue adapter is in bull-board's read-only mode (the page hides
 * its buttons) and, so that no board route we have not read can change the queue either, every
 * request but GET and HEAD is refused with 403 before bull-board sees it.
 */
async function bullBoard(app: FastifyInstance, options: BullBoardOptions): Promise<void> {
  const write = options.write === true;
  const serverAdapter = new FastifyAdapter();
  createBullBoard({
    queues: [new BullMQAdapter(app.trainingQueue, { readOnlyMode: !write })],
    serverAdapter,
    options: { uiConfig: { boardTitle: 'newscell queues' } },
  });
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  // bull-board installs its own error handler in its context; keep our envelope there too
  // (a rate limit inside bull-board would otherwise answer 500).
  serverAdapter.setErrorHandler((error) => {
    if (isNewscellError(error)) {
      // Its status type lists only the codes bull-board itself uses; the adapter passes any on.
      const status = (STATUS_BY_CODE[error.code] ?? 500) as 500;
      return { status, body: { error: error.toJSON() } };
    }
    app.log.error({ err: error }, 'bull-board request failed');
    return { status: 500, body: { error: { code: 'INTERNAL', message: 'Internal server error' } } };
  });
  await app.register(async (admin) => {
    admin.addHook('onRoute', (route) => {
      route.config = { ...route.config, access: 'admin' };
      route.schema = { ...route.schema, hide: true };
    });
    // preParsing, after the root's: a caller without an admin key hears 401/403 about the key.
    if (!write) {
      admin.addHook('preParsing', async (request, reply) => {
        if (READ_METHODS.has(request.method)) return;
        const error = new NewscellError(
          'FORBIDDEN',
          `bull-board is read-only: ${request.method} ${request.url} would change the queue. Set NEWSCELL_BULL_BOARD_WRITE=true to allow it.`,
        );
        return reply.status(STATUS_BY_CODE.FORBIDDEN ?? 403).send({ error: error.toJSON() });
      });
    }
    await admin.register(serverAdapter.registerPlugin(), { prefix: BULL_BOARD_PATH });
  });
}

export default fp(bullBoard, { name: 'bull-board', dependencies: ['training-queue', 'auth'] });
