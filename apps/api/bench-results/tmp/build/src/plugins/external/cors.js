import cors from '@fastify/cors';
import fp from 'fastify-plugin';
async function corsOrigins(app, options) {
    if (options.origins.length === 0)
        return;
    await app.register(cors, {
        origin: options.origins,
        methods: ['GET', 'POST', 'DELETE'],
        allowedHeaders: ['authorization', 'x-api-key', 'content-type', 'x-request-id'],
        exposedHeaders: ['x-request-id'],
    });
}
export default fp(corsOrigins, { name: 'cors' });
