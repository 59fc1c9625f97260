import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { DestinationStream } from 'pino';
import type { ApiConfig } from './config.js';
import { frameworkErrorHandler, registerErrorHandler } from './error-handler.js';
import { registerJsonBodyParser } from './json-body.js';
import { loggerOptions } from './logger.js';
import comparisonQueues from './plugins/app/comparison-queues.js';
import metrics from './plugins/app/metrics.js';
import modelServing from './plugins/app/model-serving.js';
import trainingQueue from './plugins/app/training-queue.js';
import auth from './plugins/external/auth.js';
import bullBoard from './plugins/external/bull-board.js';
import cors from './plugins/external/cors.js';
import helmet from './plugins/external/helmet.js';
import rateLimit from './plugins/external/rate-limit.js';
import swagger from './plugins/external/swagger.js';
import { requestIdFor } from './request-id.js';
import { comparisonRoutes } from './routes/comparisons/index.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';
import { modelRoutes } from './routes/models/index.js';
import { trainingJobRoutes } from './routes/training-jobs/index.js';
import { formatValidationErrors, validatorCompiler } from './validation.js';

export interface AppDependencies {
  config: ApiConfig;
  /**
   * Resolves true when Redis answers PING.
   * @defaultValue a PING on the training queue's connection (with a one-second timeout)
   */
  redisReachable?: () => Promise<boolean>;
  /** Where log lines go. @defaultValue standard output */
  logStream?: DestinationStream;
}

/**
 * Builds the API without listening, so tests can `inject` into it. Closing it (`app.close()`)
 * ends open event streams, waits for requests in flight and closes the queue connections.
 */
export async function buildApp(
  deps: AppDependencies,
  options: FastifyServerOptions = {},
): Promise<FastifyInstance> {
  const { config } = deps;
  const app = Fastify({
    logger: loggerOptions(config.logLevel, deps.logStream),
    bodyLimit: config.limits.bodyBytes,
    requestIdHeader: false,
    genReqId: requestIdFor,
    schemaErrorFormatter: formatValidationErrors,
    frameworkErrors: frameworkErrorHandler,
    ...options,
  });
  app.setValidatorCompiler(validatorCompiler);
  registerErrorHandler(app, {
    bodyLimitBytes: config.limits.bodyBytes,
    namedDirectories: { MODELS_DIR: config.modelsDir, NEWSCELL_DASHBOARD_DIR: config.dashboardDir },
  });
  registerJsonBodyParser(app, { maxDepth: config.limits.jsonDepth });
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // A keep-alive connection whose request finishes during shutdown would hold close() open for
  // ever: tell the client to let go of it.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });

  await app.register(helmet);
  await app.register(cors, { origins: config.corsOrigins });
  await app.register(auth, { adminKeys: config.adminKeys, readKeys: config.readKeys });
  await app.register(rateLimit, {
    ...config.rateLimit,
    redisUrl: config.redisUrl,
    prefix: config.queuePrefix,
  });
  await app.register(swagger);

  await app.register(trainingQueue, {
    redisUrl: config.redisUrl,
    prefix: config.queuePrefix,
    budget: config.budget,
  });
  await app.register(comparisonQueues, {
    redisUrl: config.redisUrl,
    prefix: config.queuePrefix,
    modelsDir: config.modelsDir,
    budget: config.budget,
    agNews: config.agNews,
  });
  await app.register(metrics, {
    queueCounts: () => app.trainingJobs.counts(),
    queueEvents: app.jobEvents.queueEvents,
    claimObservation: (jobId) => app.claimOnce(`training-duration:${jobId}`),
  });
  await app.register(modelServing, { modelsDir: config.modelsDir, serving: config.serving });

  await app.register(healthRoutes, {
    redisReachable: deps.redisReachable ?? app.redisReachable,
    modelsDir: config.modelsDir,
  });
  await app.register(metricsRoutes);
  await app.register(trainingJobRoutes, {
    sseHeartbeatMs: config.sseHeartbeatMs,
    sseLimits: config.sseLimits,
  });
  await app.register(comparisonRoutes);
  await app.register(modelRoutes, { limits: config.limits });
  await app.register(dashboardRoutes, { dir: config.dashboardDir });
  await app.register(bullBoard, { write: config.bullBoardWrite });
  return app;
}
