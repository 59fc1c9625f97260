import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import fp from 'fastify-plugin';
export const BULL_BOARD_PATH = '/admin/queues';
/**
 * bull-board on the training queue at /admin/queues, for admin keys only. Its routes are marked
 * in their own context so they take the admin check and stay out of the OpenAPI document.
 */
async function bullBoard(app) {
    const serverAdapter = new FastifyAdapter();
    createBullBoard({
        queues: [new BullMQAdapter(app.trainingQueue)],
        serverAdapter,
        options: { uiConfig: { boardTitle: 'newscell queues' } },
    });
    serverAdapter.setBasePath(BULL_BOARD_PATH);
    await app.register(async (admin) => {
        admin.addHook('onRoute', (route) => {
            route.config = { ...route.config, access: 'admin' };
            route.schema = { ...route.schema, hide: true };
        });
        await admin.register(serverAdapter.registerPlugin(), { prefix: BULL_BOARD_PATH });
    });
}
export default fp(bullBoard, { name: 'bull-board', dependencies: ['training-queue', 'auth'] });
