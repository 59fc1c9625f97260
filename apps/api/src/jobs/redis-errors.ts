import { isNewscellError, NewscellError } from '@newscell/contracts';

// What ioredis and BullMQ throw when Redis is away, as opposed to a command that failed.
const UNAVAILABLE =
  /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|Connection is closed|MaxRetriesPerRequest|enableOfflineQueue|Reached the max retries/i;

/** Runs a Redis call; a connection failure becomes `REDIS_UNAVAILABLE` (503), the rest pass. */
export async function withRedis<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!isNewscellError(error) && error instanceof Error && UNAVAILABLE.test(error.message)) {
      throw new NewscellError(
        'REDIS_UNAVAILABLE',
        'Redis does not answer; the training queue is unavailable. Try again shortly.',
        { cause: error },
      );
    }
    throw error;
  }
}
