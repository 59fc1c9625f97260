import { ensureRedis, type RedisHandle } from './local-redis.js';

let handle: RedisHandle | undefined;

/**
 * Vitest `globalSetup` for workspaces whose tests need Redis: finds or starts one and exposes it
 * as `REDIS_URL` to the test files; stops it afterwards only if this run started it.
 */
export async function setup(): Promise<void> {
  handle = await ensureRedis({ mode: 'attached' });
  process.env.REDIS_URL = handle.url;
}

export async function teardown(): Promise<void> {
  await handle?.stop();
}
