import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { isNewscellError } from '@newscell/contracts';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { STATUS_BY_CODE } from '../../error-handler.js';

export const BULL_BOARD_PATH = '/admin/queues';

/**
 * bull-board on the training queue at /admin/queues, for admin keys only. Its routes are marked
 * in their own context so they take the admin check and stay out of the OpenAPI document.
 */
async function bullBoard(app: FastifyInstance): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  createBullBoard({
    queues: [new BullMQAdapter(app.trainingQueue)],
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
    await admin.register(serverAdapter.registerPlugin(), { prefix: BULL_BOARD_PATH });
  });
}

export default fp(bullBoard, { name: 'bull-board', dependencies: ['training-queue', 'auth'] });
