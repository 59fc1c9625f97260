import { afterEach, beforeEach, expect, it } from 'vitest';
import { admin, reader, type TestApp, testApp } from '../support/test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await testApp({ NEWSCELL_RATE_LIMIT_MAX: '3', NEWSCELL_RATE_LIMIT_WINDOW_MS: '60000' });
});
afterEach(async () => t.close());

const list = (headers: Record<string, string>) =>
  t.app.inject({ url: '/v1/training-jobs', headers });

it('answers 429 in the error envelope once a key used up its window, naming the limit', async () => {
  for (let i = 0; i < 3; i++) expect((await list(reader)).statusCode).toBe(200);
  const res = await list(reader);
  expect(res.statusCode).toBe(429);
  expect(res.headers['retry-after']).toBeDefined();
  expect(res.json().error).toMatchObject({
    code: 'RATE_LIMITED',
    details: { limit: 3, windowMs: 60000 },
  });
  expect(res.json().error.message).toMatch(
    /^Too many requests: the limit is 3 per 60 s \(NEWSCELL_RATE_LIMIT_MAX, NEWSCELL_RATE_LIMIT_WINDOW_MS\); retry in /,
  );
});

it('counts each key apart, and callers without a valid key by address', async () => {
  for (let i = 0; i < 3; i++) await list(reader);
  expect((await list(reader)).statusCode).toBe(429);
  expect((await list(admin)).statusCode).toBe(200);
  // Unknown keys share their address's budget: rotating made-up keys buys nothing.
  for (let i = 0; i < 3; i++) {
    expect((await list({ 'x-api-key': `made-up-key-${i}-0123456789` })).statusCode).toBe(401);
  }
  expect((await list({ 'x-api-key': 'made-up-key-9-0123456789' })).statusCode).toBe(429);
});

it('never limits the probes', async () => {
  for (let i = 0; i < 6; i++) expect((await t.app.inject('/healthz')).statusCode).toBe(200);
});

it('answers 429 in the envelope inside bull-board too (it has its own error handler)', async () => {
  const url = '/admin/queues/api/queues';
  for (let i = 0; i < 3; i++)
    expect((await t.app.inject({ url, headers: admin })).statusCode).toBe(200);
  const res = await t.app.inject({ url, headers: admin });
  expect(res.statusCode).toBe(429);
  expect(res.json().error.code).toBe('RATE_LIMITED');
});

it('shares one budget between API replicas on the same Redis and prefix', async () => {
  const replica = await testApp({
    NEWSCELL_QUEUE_PREFIX: t.prefix,
    NEWSCELL_RATE_LIMIT_MAX: '3',
    NEWSCELL_RATE_LIMIT_WINDOW_MS: '60000',
  });
  try {
    expect((await list(reader)).statusCode).toBe(200);
    expect((await list(reader)).statusCode).toBe(200);
    const other = () => replica.app.inject({ url: '/v1/training-jobs', headers: reader });
    expect((await other()).statusCode).toBe(200);
    expect((await other()).statusCode).toBe(429);
    expect((await list(reader)).statusCode).toBe(429);
  } finally {
    await replica.app.close();
    await replica.redis.quit();
  }
});
