import { access, constants, mkdir } from 'node:fs/promises';
import Type from 'typebox';
const ReadinessSchema = Type.Object({
    status: Type.Union([Type.Literal('ready'), Type.Literal('not ready')]),
    checks: Type.Object({ redis: Type.Boolean(), registry: Type.Boolean() }),
});
// Probes are public and never rate limited: an orchestrator polls them from one address.
const probe = { access: 'public', rateLimit: false };
/** `/healthz`: the process is alive. `/readyz`: Redis answers and the model registry is readable. */
export async function healthRoutes(app, deps) {
    const api = app.withTypeProvider();
    api.get('/healthz', {
        config: probe,
        schema: {
            tags: ['operations'],
            summary: 'Liveness: the process answers',
            response: { 200: Type.Object({ status: Type.Literal('ok') }) },
        },
    }, async () => ({ status: 'ok' }));
    api.get('/readyz', {
        config: probe,
        schema: {
            tags: ['operations'],
            summary: 'Readiness: Redis answers and the model registry is readable',
            response: { 200: ReadinessSchema, 503: ReadinessSchema },
        },
    }, async (_request, reply) => {
        const [redis, registry] = await Promise.all([
            deps.redisReachable().catch(() => false),
            registryReadable(deps.modelsDir),
        ]);
        const ready = redis && registry;
        return reply
            .status(ready ? 200 : 503)
            .send({ status: ready ? 'ready' : 'not ready', checks: { redis, registry } });
    });
}
async function registryReadable(dir) {
    try {
        await mkdir(dir, { recursive: true });
        await access(dir, constants.R_OK);
        return true;
    }
    catch {
        return false;
    }
}
