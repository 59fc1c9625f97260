import { ApiErrorSchema } from '@newscell/contracts';
import Type from 'typebox';
import { readSecurity } from './training-jobs/schemas.js';
/** `GET /metrics`: Prometheus text format (read key when keys are configured). */
export async function metricsRoutes(app) {
    app.get('/metrics', {
        config: { rateLimit: false },
        schema: {
            tags: ['operations'],
            summary: 'Prometheus metrics',
            security: readSecurity,
            produces: ['text/plain'],
            response: {
                200: Type.String({ description: 'Prometheus text exposition format' }),
                401: ApiErrorSchema,
            },
        },
    }, async (_request, reply) => {
        const { registry } = app.metrics;
        return reply.type(registry.contentType).send(await registry.metrics());
    });
}
