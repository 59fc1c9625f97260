import { afterEach, beforeEach, expect, it } from 'vitest';
import { resultFor, startWorker, until } from '../support/fake-worker.js';
import { admin, gruJob, reader, type TestApp, testApp } from '../support/test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await testApp();
});
afterEach(async () => t.close());

const scrape = async () => {
  const res = await t.app.inject({ url: '/metrics', headers: reader });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toContain('text/plain');
  return res.body;
};

it('times requests by route pattern and status, never by raw URL', async () => {
  await t.app.inject({ url: '/v1/training-jobs/123', headers: reader });
  await t.app.inject({ url: '/v1/training-jobs/456', headers: reader });
  await t.app.inject({ url: '/no/such/route' });
  const body = await scrape();
  expect(body).toContain(
    'newscell_http_request_duration_seconds_count{method="GET",route="/v1/training-jobs/:id",status_code="404"} 2',
  );
  expect(body).toContain('route="unmatched",status_code="404"');
  expect(body).not.toContain('/v1/training-jobs/123');
});

it('reads queue depth by state at scrape time', async () => {
  for (let i = 0; i < 2; i++) {
    await t.app.inject({
      method: 'POST',
      url: '/v1/training-jobs',
      headers: admin,
      payload: gruJob,
    });
  }
  const body = await scrape();
  expect(body).toContain('newscell_training_queue_jobs{state="waiting"} 2');
  expect(body).toContain('newscell_training_queue_jobs{state="active"} 0');
  await t.queue.obliterate({ force: true });
  expect(await scrape()).toContain('newscell_training_queue_jobs{state="waiting"} 0');
});

it('lets later code register its own metrics on the app registry', async () => {
  const { Counter } = await import('prom-client');
  const predictions = new Counter({
    name: 'newscell_test_extra_total',
    help: 'predictions by model and label',
    labelNames: ['model', 'label'],
    registers: [t.app.metrics.registry],
  });
  predictions.inc({ model: 'gru-1', label: 'Sports' });
  expect(await scrape()).toContain('newscell_test_extra_total{model="gru-1",label="Sports"} 1');
});

it('observes each completed training once across API replicas sharing Redis and the queue', async () => {
  // A second replica on the same queue prefix: both hear every completion.
  const replica = await testApp({ NEWSCELL_QUEUE_PREFIX: t.prefix });
  const worker = await startWorker(t.prefix, async (job) => resultFor(`gru-job${job.id}`));
  try {
    for (let i = 0; i < 3; i++) {
      await t.app.inject({
        method: 'POST',
        url: '/v1/training-jobs',
        headers: admin,
        payload: gruJob,
      });
    }
    const count = async (app: TestApp['app']) => {
      const body = (await app.inject({ url: '/metrics', headers: reader })).body;
      const line = body
        .split('\n')
        .find((l) => l.startsWith('newscell_training_duration_seconds_count{cell="gru"}'));
      return line === undefined ? 0 : Number(line.split(' ').at(-1));
    };
    await until(async () => (await count(t.app)) + (await count(replica.app)) >= 3, 10_000);
    // Late duplicates would arrive within this wait.
    await new Promise((r) => setTimeout(r, 300));
    expect((await count(t.app)) + (await count(replica.app))).toBe(3);
  } finally {
    await worker.close();
    await replica.app.close();
    await replica.redis.quit();
  }
});
