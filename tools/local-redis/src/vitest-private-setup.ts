import { ensureRedis, type RedisHandle } from './local-redis.js';
import { type PrivateRedis, startPrivateRedis } from './private-redis.js';

let shared: RedisHandle | undefined;
let own: PrivateRedis | undefined;

/**
 * Vitest `globalSetup` for test runs that must keep their Redis to the end: an explicit
 * `REDIS_URL` is used as is (CI's service); otherwise the run gets a private Redis on a free port,
 * so another run that started the shared project Redis cannot stop it underneath this one.
 */
export async function setup(): Promise<void> {
  if (process.env.REDIS_URL !== undefined) {
    shared = await ensureRedis({ mode: 'attached' });
    process.env.REDIS_URL = shared.url;
    return;
  }
  own = await startPrivateRedis();
  process.env.REDIS_URL = own.url;
}

export async function teardown(): Promise<void> {
  await shared?.stop();
  await own?.dispose();
}
