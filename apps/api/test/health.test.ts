import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { loadApiConfig } from '../src/config.js';
import { redisUrl } from './support/test-app.js';

const dir = mkdtempSync(join(tmpdir(), 'newscell-api-'));
const apps: Array<{ close: () => Promise<unknown> }> = [];
afterAll(async () => {
  for (const a of apps) await a.close();
  rmSync(dir, { recursive: true, force: true });
});

async function app(redisReachable: () => Promise<boolean>, modelsDir = join(dir, 'models')) {
  const config = {
    ...loadApiConfig({
      REDIS_URL: redisUrl(),
      NEWSCELL_QUEUE_PREFIX: `test-health-${process.pid}-${Date.now()}`,
    }),
    modelsDir,
    logLevel: 'silent',
  };
  const built = await buildApp({ config, redisReachable });
  apps.push(built);
  return built;
}

describe('health', () => {
  it('/healthz answers while the process lives', async () => {
    const api = await app(async () => false);
    const res = await api.inject('/healthz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('/readyz is 200 when Redis answers and the registry is readable', async () => {
    const api = await app(async () => true);
    const res = await api.inject('/readyz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready', checks: { redis: true, registry: true } });
  });

  it('/readyz is 503 naming what is down', async () => {
    const file = join(dir, 'not-a-dir');
    writeFileSync(file, 'x');
    const api = await app(
      async () => {
        throw new Error('connection refused');
      },
      join(file, 'models'),
    );
    const res = await api.inject('/readyz');
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: 'not ready', checks: { redis: false, registry: false } });
  });

  it('unknown routes answer with the error envelope', async () => {
    const api = await app(async () => true);
    const res = await api.inject('/nope');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'No route GET /nope' } });
  });
});
