import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../src/app.js';
import { loadApiConfig } from '../src/config.js';
import { redisUrl } from './support/test-app.js';

const dir = mkdtempSync(join(tmpdir(), 'newscell-readyz-'));
let app: FastifyInstance | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await app?.close();
  app = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The app as server.ts builds it: no redisReachable given. */
async function serverApp(env: NodeJS.ProcessEnv = {}): Promise<FastifyInstance> {
  const config = loadApiConfig({
    REDIS_URL: redisUrl(),
    NEWSCELL_QUEUE_PREFIX: `test-readyz-${process.pid}-${Date.now()}`,
    MODELS_DIR: join(dir, 'models'),
    LOG_LEVEL: 'silent',
    NEWSCELL_ADMIN_KEYS: '',
    NEWSCELL_READ_KEYS: '',
    ...env,
  });
  app = await buildApp({ config });
  await app.ready();
  return app;
}

/** Redis clients whose address is one of this process's local ports (CLIENT LIST `addr`). */
async function ourClients(admin: Redis, ports: Set<number>): Promise<number> {
  const list = (await admin.client('LIST')) as string;
  return list
    .split('\n')
    .filter((line) => ports.has(Number(/ addr=[^ ]*:(\d+) /.exec(` ${line}`)?.[1]))).length;
}

describe('/readyz and Redis connections', () => {
  it('opens no Redis connection: 300 calls (50 at a time) leave the client count as it was', async () => {
    const api = await serverApp();
    const redisPort = Number(new URL(redisUrl()).port || 6379);
    expect((await api.inject('/readyz')).json()).toMatchObject({ checks: { redis: true } });

    const admin = new Redis(redisUrl(), { maxRetriesPerRequest: null });
    await admin.ping(); // connected before counting starts: it is the test's, not the app's
    // Every TCP connection this process opens to Redis from now on, and its local port.
    const opened: net.Socket[] = [];
    const original = net.createConnection;
    vi.spyOn(net, 'createConnection').mockImplementation(((...args: unknown[]) => {
      const socket = (original as (...a: unknown[]) => net.Socket)(...args);
      const options = args[0] as { port?: number } | undefined;
      if (options?.port === redisPort) opened.push(socket);
      return socket;
    }) as typeof net.createConnection);
    const ports = new Set<number>();
    const sample = async () => {
      for (const s of opened) if (s.localPort !== undefined) ports.add(s.localPort);
      return ourClients(admin, ports);
    };

    let peak = 0;
    for (let round = 0; round < 6; round++) {
      const answers = await Promise.all(
        Array.from({ length: 50 }, async () => {
          const res = await api.inject('/readyz');
          peak = Math.max(peak, await sample());
          return res;
        }),
      );
      for (const res of answers) expect(res.statusCode).toBe(200);
    }
    expect(opened.length, 'TCP connections opened to Redis by 300 /readyz calls').toBe(0);
    expect(peak, 'Redis clients of this process opened during the calls').toBe(0);
    await admin.quit();
  });

  it('answers 503 within its timeout when Redis does not answer', async () => {
    // Nothing listens on port 1: the queue's connection never becomes ready.
    const api = await serverApp({ REDIS_URL: 'redis://127.0.0.1:1' });
    const started = Date.now();
    const res = await api.inject('/readyz');
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ checks: { redis: false } });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('shares one check between calls that arrive together', async () => {
    let checks = 0;
    const config = loadApiConfig({
      REDIS_URL: redisUrl(),
      NEWSCELL_QUEUE_PREFIX: `test-readyz-${process.pid}-${Date.now()}`,
      MODELS_DIR: join(dir, 'models'),
      LOG_LEVEL: 'silent',
    });
    app = await buildApp({
      config,
      redisReachable: async () => {
        checks++;
        await new Promise((r) => setTimeout(r, 50));
        return true;
      },
    });
    const answers = await Promise.all(Array.from({ length: 20 }, () => app?.inject('/readyz')));
    for (const res of answers) expect(res?.statusCode).toBe(200);
    expect(checks).toBe(1);
  });
});
