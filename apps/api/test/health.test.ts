import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { loadApiConfig } from '../src/config.js';

const dir = mkdtempSync(join(tmpdir(), 'newscell-api-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function app(redisReachable: () => Promise<boolean>, modelsDir = join(dir, 'models')) {
  const config = { ...loadApiConfig({}), modelsDir, logLevel: 'silent' };
  return buildApp({ config, redisReachable });
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

describe('loadApiConfig', () => {
  it('takes defaults that work on a laptop', () => {
    expect(loadApiConfig({})).toMatchObject({ host: '127.0.0.1', port: 3000, logLevel: 'info' });
  });

  it('stops on a bad value, naming the variable', () => {
    expect(() => loadApiConfig({ PORT: '70000' })).toThrow(
      'environment /PORT: must be <= 65535 (got 70000)',
    );
    expect(() => loadApiConfig({ PORT: 'abc' })).toThrow(/environment \/PORT: .*\(got "abc"\)/);
    expect(() => loadApiConfig({ LOG_LEVEL: 'loud' })).toThrow(
      /environment \/LOG_LEVEL: must be one of/,
    );
  });
});
