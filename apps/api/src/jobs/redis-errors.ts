import { once } from 'node:events';
import { isNewscellError, NewscellError } from '@newscell/contracts';
import type { Redis } from 'ioredis';

// What ioredis and BullMQ throw when Redis is away, as opposed to a command that failed.
const UNAVAILABLE =
  /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|Connection is closed|MaxRetriesPerRequest|enableOfflineQueue|Reached the max retries/i;

function unavailable(cause?: unknown): NewscellError {
  return new NewscellError(
    'REDIS_UNAVAILABLE',
    'Redis does not answer; the training queue is unavailable. Try again shortly.',
    cause === undefined ? {} : { cause },
  );
}

/**
 * Resolves once `redis` is connected, else throws `REDIS_UNAVAILABLE` (BullMQ itself would wait for
 * the connection for ever). A first connection still being made gets `firstConnectMs` (a busy host
 * can take seconds); a connection that was lost and is being retried gets only `timeoutMs`, so a
 * request fails fast while Redis is down.
 */
export async function redisReady(
  redis: Redis,
  timeoutMs = 2000,
  firstConnectMs = 10_000,
): Promise<void> {
  if (redis.status === 'ready') return;
  if (redis.status === 'end' || redis.status === 'close') throw unavailable();
  const wait = redis.status === 'reconnecting' ? timeoutMs : firstConnectMs;
  const stop = new AbortController();
  try {
    const signal = AbortSignal.any([stop.signal, AbortSignal.timeout(wait)]);
    // A first attempt that fails (refused, reset) ends the wait at once rather than at the timeout.
    const [event] = await Promise.race([
      once(redis, 'ready', { signal }).then(() => ['ready'] as const),
      once(redis, 'reconnecting', { signal }).then(() => ['reconnecting'] as const),
    ]);
    if (event !== 'ready') throw new Error('the connection to Redis failed');
  } catch (error) {
    throw unavailable(error);
  } finally {
    stop.abort();
  }
}

/** Runs a Redis call; a connection failure becomes `REDIS_UNAVAILABLE` (503), the rest pass. */
export async function withRedis<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!isNewscellError(error) && error instanceof Error && UNAVAILABLE.test(error.message)) {
      throw unavailable(error);
    }
    throw error;
  }
}

/**
 * A job lookup whose key turned out to be another kind of Redis value (a key of the queue itself,
 * `WRONGTYPE`) answers `undefined`, as for a job that does not exist, not a 500.
 */
export async function orNotAJob<T>(lookup: Promise<T>): Promise<T | undefined> {
  try {
    return await lookup;
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('WRONGTYPE')) return undefined;
    throw error;
  }
}
