import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { loadApiConfig } from '../src/config.js';
import { gate } from './support/fake-worker.js';
import { admin, gruJob, reader, testAppsClosedAfterEach } from './support/test-app.js';

const make = testAppsClosedAfterEach();

describe('request ids', () => {
  it('honours a sane x-request-id, echoes it and logs with it', async () => {
    const t = await make();
    const res = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
    expect(res.headers['x-request-id']).toBe('abc-123');
    expect(t.logs.join('')).toContain('"reqId":"abc-123"');
  });

  it('generates one when missing or unfit for a log line', async () => {
    const t = await make();
    const fresh = await t.app.inject('/healthz');
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const forged = await t.app.inject({
      url: '/healthz',
      headers: { 'x-request-id': 'x" injected="1' },
    });
    expect(forged.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const errored = await t.app.inject({
      url: '/v1/training-jobs/1',
      headers: { 'x-request-id': 'e-1' },
    });
    expect(errored.statusCode).toBe(401);
    expect(errored.headers['x-request-id']).toBe('e-1');
  });
});

describe('security headers and CORS', () => {
  it('sends helmet headers on API answers', async () => {
    const t = await make();
    const res = await t.app.inject({ url: '/v1/training-jobs', headers: reader });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
  });

  it('leaves CORS off unless CORS_ORIGINS is set', async () => {
    const off = await make();
    const res = await off.app.inject({
      url: '/v1/training-jobs',
      headers: { ...reader, origin: 'https://dash.example' },
    });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();

    const on = await make({ CORS_ORIGINS: 'https://dash.example, https://other.example' });
    const allowed = await on.app.inject({
      method: 'OPTIONS',
      url: '/v1/training-jobs',
      headers: { origin: 'https://dash.example', 'access-control-request-method': 'POST' },
    });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://dash.example');
    const other = await on.app.inject({
      url: '/v1/training-jobs',
      headers: { ...reader, origin: 'https://evil.example' },
    });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('when Redis is away', () => {
  it('answers 503 REDIS_UNAVAILABLE instead of hanging', async () => {
    const config = {
      ...loadApiConfig({ REDIS_URL: 'redis://127.0.0.1:1', LOG_LEVEL: 'silent' }),
    };
    const app = await buildApp({ config, redisReachable: async () => false });
    try {
      for (const request of [
        { method: 'POST' as const, url: '/v1/training-jobs', payload: gruJob },
        { method: 'GET' as const, url: '/v1/training-jobs/1' },
        { method: 'GET' as const, url: '/v1/training-jobs' },
      ]) {
        const res = await app.inject(request);
        expect(res.statusCode, request.url).toBe(503);
        expect(res.json().error.code).toBe('REDIS_UNAVAILABLE');
      }
      expect((await app.inject('/readyz')).statusCode).toBe(503);
    } finally {
      await app.close();
    }
  });
});

describe('graceful shutdown', () => {
  it('finishes a request in flight, then refuses new connections and closes Redis', async () => {
    const config = loadApiConfig({ REDIS_URL: process.env.REDIS_URL, LOG_LEVEL: 'silent' });
    const app = await buildApp({ config, redisReachable: async () => true });
    const started = gate();
    app.get('/slow', { config: { access: 'public' } }, async () => {
      started.open();
      await new Promise((r) => setTimeout(r, 200));
      return { done: true };
    });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const inFlight = fetch(`${base}/slow`).then((r) => r.json());
    await started.promise;
    await app.close();
    expect(await inFlight).toEqual({ done: true });
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    await expect(app.trainingQueue.count()).rejects.toThrow('Connection is closed');
  });
});

describe('logging', () => {
  it('writes JSON lines through the configured stream', async () => {
    const lines: string[] = [];
    const logStream = new Writable({
      write(chunk, _e, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const config = loadApiConfig({
      REDIS_URL: process.env.REDIS_URL,
      NEWSCELL_ADMIN_KEYS: admin.authorization.slice(7),
    });
    const app = await buildApp({ config, redisReachable: async () => true, logStream });
    await app.inject({ url: '/healthz', headers: admin });
    await app.close();
    const first = JSON.parse(lines[0] ?? '{}');
    expect(first).toMatchObject({ level: 30, msg: 'incoming request' });
    expect(first.req.headers.authorization).toBe('[Redacted]');
  });
});
