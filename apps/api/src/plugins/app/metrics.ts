import type { QueueEvents } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * The app's Prometheus registry, served at /metrics. Later features register their own
     * metrics on `metrics.registry` (predictions by model and label, training time by cell).
     */
    metrics: {
      registry: Registry;
      httpRequestDuration: Histogram<'method' | 'route' | 'status_code'>;
    };
  }
}

export interface MetricsOptions {
  /** Jobs per BullMQ state, read at each scrape. */
  queueCounts: () => Promise<Record<string, number>>;
  /** Completed jobs are observed into the training-duration histogram. */
  queueEvents?: QueueEvents;
  /**
   * Claims a completed job's observation for this process: true for exactly one of the API
   * replicas that see the completion (every replica's QueueEvents hears every job), so a sum of
   * the histogram over replicas counts each training once. @defaultValue always true (one process)
   */
  claimObservation?: (jobId: string) => Promise<boolean>;
}

/**
 * Request durations by route pattern (never the raw URL: ids would make a series per job) and
 * status, queue depth by state collected on scrape, and the process defaults.
 */
async function metrics(app: FastifyInstance, options: MetricsOptions): Promise<void> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'newscell_api_' });
  const httpRequestDuration = new Histogram({
    name: 'newscell_http_request_duration_seconds',
    help: 'HTTP request durations by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  new Gauge({
    name: 'newscell_training_queue_jobs',
    help: 'Training jobs on the queue by BullMQ state, read at scrape time',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      try {
        for (const [state, count] of Object.entries(await options.queueCounts())) {
          this.set({ state }, count);
        }
      } catch (err) {
        app.log.warn({ err }, 'queue depth unavailable for /metrics');
      }
    },
  });
  const trainingDuration = new Histogram({
    name: 'newscell_training_duration_seconds',
    help: 'Training time of completed jobs by cell (the worker-reported trainingSeconds); each job is observed by one API replica, so sum over replicas',
    labelNames: ['cell'] as const,
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1200, 3600, 7200],
    registers: [registry],
  });
  const claim = options.claimObservation ?? (async () => true);
  const onCompleted = ({ jobId, returnvalue }: { jobId: string; returnvalue: unknown }) => {
    const result = returnvalue as { cell?: unknown; trainingSeconds?: unknown } | null;
    const cell = result?.cell;
    const seconds = result?.trainingSeconds;
    if (typeof cell !== 'string' || typeof seconds !== 'number') return;
    claim(jobId).then(
      (mine) => {
        if (mine) trainingDuration.observe({ cell }, seconds);
      },
      (err: unknown) => app.log.warn({ err, jobId }, 'training duration not observed'),
    );
  };
  options.queueEvents?.on('completed', onCompleted);
  app.addHook('onClose', async () => {
    options.queueEvents?.off('completed', onCompleted);
  });
  app.decorate('metrics', { registry, httpRequestDuration });
  app.addHook('onResponse', async (request, reply) => {
    httpRequestDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
}

export default fp(metrics, { name: 'metrics' });
