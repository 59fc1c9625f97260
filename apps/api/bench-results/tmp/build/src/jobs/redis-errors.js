import { once } from 'node:events';
import { isNewscellError, NewscellError } from '@newscell/contracts';
// What ioredis and BullMQ throw when Redis is away, as opposed to a command that failed.
const UNAVAILABLE = /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|Connection is closed|MaxRetriesPerRequest|enableOfflineQueue|Reached the max retries/i;
function unavailable(cause) {
    return new NewscellError('REDIS_UNAVAILABLE', 'Redis does not answer; the training queue is unavailable. Try again shortly.', cause === undefined ? {} : { cause });
}
/**
 * Resolves once `redis` is connected, waiting at most `timeoutMs`; else throws
 * `REDIS_UNAVAILABLE`. BullMQ itself would wait for the connection for ever.
 */
export async function redisReady(redis, timeoutMs = 2000) {
    if (redis.status === 'ready')
        return;
    if (redis.status === 'end' || redis.status === 'close')
        throw unavailable();
    try {
        await once(redis, 'ready', { signal: AbortSignal.timeout(timeoutMs) });
    }
    catch (error) {
        throw unavailable(error);
    }
}
/** Runs a Redis call; a connection failure becomes `REDIS_UNAVAILABLE` (503), the rest pass. */
export async function withRedis(call) {
    try {
        return await call();
    }
    catch (error) {
        if (!isNewscellError(error) && error instanceof Error && UNAVAILABLE.test(error.message)) {
            throw unavailable(error);
        }
        throw error;
    }
}
