import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { pingRedis } from '../src/ping.js';
import { startPrivateRedis } from '../src/private-redis.js';

describe('startPrivateRedis', () => {
  it('runs on its own port, keeps its data across a restart, and cleans up', async () => {
    const a = await startPrivateRedis();
    const b = await startPrivateRedis();
    try {
      expect(a.port).not.toBe(b.port);
      expect(a.dataDir).not.toBe(b.dataDir);
      const client = new Redis(a.url, { maxRetriesPerRequest: null, lazyConnect: true });
      client.on('error', () => {});
      await client.connect();
      await client.set('queued-job', 'kept');

      await a.stop();
      expect(await pingRedis(a.url)).toBe(false);
      expect(await pingRedis(b.url)).toBe(true);
      await a.start();
      // The client reconnects by itself and finds the key read back from the append-only file.
      expect(await client.get('queued-job')).toBe('kept');
      client.disconnect();
    } finally {
      await a.dispose();
      await b.dispose();
    }
    expect(await pingRedis(a.url)).toBe(false);
    expect(existsSync(a.dataDir)).toBe(false);
  }, 30_000);
});
