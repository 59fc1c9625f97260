import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
/**
 * OpenAPI 3 generated from the routes' TypeBox schemas, served as JSON at /docs/json and as
 * swagger-ui at /docs (public: the schema is not a secret, the data behind it is).
 */
async function openApi(app) {
    await app.register(swagger, {
        openapi: {
            openapi: '3.0.3',
            info: {
                title: 'newscell API',
                description: 'Train RNN, LSTM and GRU news-topic classifiers on AG News, watch them train, compare them.',
                version: '0.1.0',
            },
            components: {
                securitySchemes: {
                    bearer: { type: 'http', scheme: 'bearer', description: 'an API key' },
                    apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
                },
            },
            tags: [
                { name: 'training jobs', description: 'enqueue, watch and cancel trainings' },
                { name: 'operations', description: 'health, readiness, metrics' },
            ],
        },
    });
    await app.register(async (docs) => {
        docs.addHook('onRoute', (route) => {
            route.config = { ...route.config, access: 'public' };
        });
        await docs.register(swaggerUi, {
            routePrefix: '/docs',
            uiConfig: { validatorUrl: null, deepLinking: true },
            staticCSP: false,
        });
    });
}
export default fp(openApi, { name: 'swagger' });
