import { Redis } from 'ioredis';

/**
 * True when a Redis at `url` answers PING within `timeoutMs`. Never retries and never throws:
 * "not answering" covers refused connections, timeouts and authentication failures alike.
 */
export async function pingRedis(url: string, timeoutMs = 1000): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    reconnectOnError: () => false,
  });
  // Without a listener ioredis reports connection errors as unhandled 'error' events.
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
