import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { ApiConfig } from './config.js';
import { registerErrorHandler } from './error-handler.js';
import { healthRoutes } from './routes/health.js';

export interface AppDependencies {
  config: ApiConfig;
  /** Resolves true when Redis answers PING. */
  redisReachable: () => Promise<boolean>;
}

/** Builds the API without listening, so tests can `inject` into it. */
export async function buildApp(
  deps: AppDependencies,
  options: FastifyServerOptions = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: deps.config.logLevel },
    requestIdHeader: 'x-request-id',
    ...options,
  });
  registerErrorHandler(app);
  await app.register(healthRoutes, {
    redisReachable: deps.redisReachable,
    modelsDir: deps.config.modelsDir,
  });
  return app;
}
