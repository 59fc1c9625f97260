import { describe, expect, it } from 'vitest';
import {
  ADMIN_KEY,
  admin,
  gruJob,
  READ_KEY,
  reader,
  testAppsClosedAfterEach,
} from '../support/test-app.js';

const make = testAppsClosedAfterEach();

describe('API keys', () => {
  it('asks for a key on read routes, naming both ways to send it', async () => {
    const { app } = await make();
    const res = await app.inject('/v1/training-jobs');
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.json()).toEqual({
      error: {
        code: 'UNAUTHORIZED',
        message:
          'This route needs an API key: send Authorization: Bearer <key> or x-api-key: <key>',
      },
    });
  });

  it('rejects a wrong key, including one that differs only in length', async () => {
    const { app } = await make();
    for (const key of ['wrong-key-0123456789abcdef', `${READ_KEY}x`, READ_KEY.slice(0, -1)]) {
      const res = await app.inject({ url: '/v1/training-jobs', headers: { 'x-api-key': key } });
      expect(res.statusCode, key).toBe(401);
      expect(res.json().error.message).toBe('The API key is not valid');
    }
  });

  it('lets read keys read, by bearer or x-api-key, but not write', async () => {
    const { app } = await make();
    for (const headers of [reader, { authorization: `Bearer ${READ_KEY}` }]) {
      expect((await app.inject({ url: '/v1/training-jobs', headers })).statusCode).toBe(200);
    }
    const res = await app.inject({
      method: 'POST',
      url: '/v1/training-jobs',
      headers: reader,
      payload: gruJob,
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('FORBIDDEN');
  });

  it('lets admin keys do everything, by either header', async () => {
    const { app } = await make();
    for (const headers of [admin, { 'x-api-key': ADMIN_KEY }]) {
      expect((await app.inject({ url: '/v1/training-jobs', headers })).statusCode).toBe(200);
      const res = await app.inject({
        method: 'POST',
        url: '/v1/training-jobs',
        headers,
        payload: gruJob,
      });
      expect(res.statusCode).toBe(202);
    }
  });

  it('checks the key before reading the body', async () => {
    const { app, queue } = await make();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/training-jobs',
      headers: { 'content-type': 'application/json' },
      payload: '{not json',
    });
    expect(res.statusCode).toBe(401);
    expect(await queue.count()).toBe(0);
  });

  it('keeps probes and docs public', async () => {
    const { app } = await make();
    expect((await app.inject('/healthz')).statusCode).toBe(200);
    expect((await app.inject('/readyz')).statusCode).toBe(200);
    expect((await app.inject('/docs/json')).statusCode).toBe(200);
    expect((await app.inject('/metrics')).statusCode).toBe(401);
  });

  it('opens bull-board to admin keys only', async () => {
    const { app } = await make();
    expect((await app.inject('/admin/queues')).statusCode).toBe(401);
    expect((await app.inject({ url: '/admin/queues', headers: reader })).statusCode).toBe(403);
    const page = await app.inject({ url: '/admin/queues', headers: admin });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('newscell queues');
    const api = await app.inject({ url: '/admin/queues/api/queues', headers: reader });
    expect(api.statusCode).toBe(403);
    const queues = await app.inject({ url: '/admin/queues/api/queues', headers: admin });
    expect(queues.json().queues[0].name).toBe('training');
  });

  it('with no keys configured, opens every route (loopback only, see config)', async () => {
    const { app } = await make({ NEWSCELL_ADMIN_KEYS: '', NEWSCELL_READ_KEYS: '' });
    expect((await app.inject('/v1/training-jobs')).statusCode).toBe(200);
    const res = await app.inject({ method: 'POST', url: '/v1/training-jobs', payload: gruJob });
    expect(res.statusCode).toBe(202);
    expect((await app.inject('/admin/queues')).statusCode).toBe(200);
  });

  it('never writes a key to the log', async () => {
    const t = await make({ LOG_LEVEL: 'trace' });
    await t.app.inject({ url: '/v1/training-jobs', headers: admin });
    await t.app.inject({ url: '/v1/training-jobs', headers: reader });
    await t.app.inject({
      url: '/v1/training-jobs',
      headers: { 'x-api-key': 'not-a-key-0123456789abcdef' },
    });
    const log = t.logs.join('');
    expect(log).toContain('incoming request');
    expect(log).toContain('"authorization":"[Redacted]"');
    expect(log).toContain('"x-api-key":"[Redacted]"');
    for (const secret of [ADMIN_KEY, READ_KEY, 'not-a-key-0123456789abcdef']) {
      expect(log).not.toContain(secret);
    }
  });
});
