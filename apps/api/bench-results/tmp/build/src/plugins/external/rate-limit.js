import rateLimit from '@fastify/rate-limit';
import { NewscellError } from '@newscell/contracts';
import fp from 'fastify-plugin';
/**
 * Requests per window per API key (per client address without one), counted in this process.
 * Routes opt out with `config: { rateLimit: false }` (probes, metrics).
 */
async function rateLimits(app, options) {
    await app.register(rateLimit, {
        max: options.max,
        timeWindow: options.windowMs,
        keyGenerator: (request) => request.principal && request.principal.keyId !== 'open'
            ? `key:${request.principal.keyId}`
            : `ip:${request.ip}`,
        errorResponseBuilder: (_request, context) => new NewscellError('RATE_LIMITED', `Too many requests: the limit is ${context.max} per ${options.windowMs / 1000} s (NEWSCELL_RATE_LIMIT_MAX, NEWSCELL_RATE_LIMIT_WINDOW_MS); retry in ${context.after}`, { details: { limit: context.max, windowMs: options.windowMs } }),
    });
}
export default fp(rateLimits, { name: 'rate-limit', dependencies: ['auth'] });
