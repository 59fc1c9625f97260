import fp from 'fastify-plugin';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
/**
 * Request durations by route pattern (never the raw URL: ids would make a series per job) and
 * status, queue depth by state collected on scrape, and the process defaults.
 */
async function metrics(app, options) {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'newscell_api_' });
    const httpRequestDuration = new Histogram({
        name: 'newscell_http_request_duration_seconds',
        help: 'HTTP request durations by method, route pattern and status code',
        labelNames: ['method', 'route', 'status_code'],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        registers: [registry],
    });
    new Gauge({
        name: 'newscell_training_queue_jobs',
        help: 'Training jobs on the queue by BullMQ state, read at scrape time',
        labelNames: ['state'],
        registers: [registry],
        async collect() {
            this.reset();
            try {
                for (const [state, count] of Object.entries(await options.queueCounts())) {
                    this.set({ state }, count);
                }
            }
            catch (err) {
                app.log.warn({ err }, 'queue depth unavailable for /metrics');
            }
        },
    });
    app.decorate('metrics', { registry, httpRequestDuration });
    app.addHook('onResponse', async (request, reply) => {
        httpRequestDuration.observe({
            method: request.method,
            route: request.routeOptions.url ?? 'unmatched',
            status_code: String(reply.statusCode),
        }, reply.elapsedTime / 1000);
    });
}
export default fp(metrics, { name: 'metrics' });
