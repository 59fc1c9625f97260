import rateLimit from '@fastify/rate-limit';
import { NewscellError } from '@newscell/contracts';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Redis } from 'ioredis';

export interface RateLimitOptions {
  max: number;
  windowMs: number;
  /** Where the counters live, shared by every API replica. */
  redisUrl: string;
  /** Key prefix of the counters (the queue prefix: replicas of one deployment share it). */
  prefix: string;
}

/**
 * Requests per window per API key (per client address without one), counted in Redis so that
 * every API replica draws on the same budget. Routes opt out with `config: { rateLimit: false }`
 * (probes, metrics). While Redis does not answer, requests are let through rather than refused
 * (`skipOnError`): the routes that need Redis answer 503 anyway, and predictions keep working.
 */
async function rateLimits(app: FastifyInstance, options: RateLimitOptions): Promise<void> {
  // Short timeouts, as @fastify/rate-limit advises: a counter must never hold a request up.
  const redis = new Redis(options.redisUrl, { connectTimeout: 500, maxRetriesPerRequest: 1 });
  redis.on('error', (err) => app.log.warn({ err: err.message }, 'rate-limit redis error'));
  app.addHook('onClose', async () => {
    await redis.quit().catch(() => redis.disconnect());
  });
  await app.register(rateLimit, {
    max: options.max,
    timeWindow: options.windowMs,
    redis,
    nameSpace: `${options.prefix}:rate-limit:`,
    skipOnError: true,
    keyGenerator: (request) =>
      request.principal && request.principal.keyId !== 'open'
        ? `key:${request.principal.keyId}`
        : `ip:${request.ip}`,
    errorResponseBuilder: (_request, context) =>
      new NewscellError(
        'RATE_LIMITED',
        `Too many requests: the limit is ${context.max} per ${options.windowMs / 1000} s (NEWSCELL_RATE_LIMIT_MAX, NEWSCELL_RATE_LIMIT_WINDOW_MS); retry in ${context.after}`,
        { details: { limit: context.max, windowMs: options.windowMs } },
      ),
  });
}

export default fp(rateLimits, { name: 'rate-limit', dependencies: ['auth'] });
