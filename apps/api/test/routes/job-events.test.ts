import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gate, progressAt, resultFor, startWorker, until } from '../support/fake-worker.js';
import { openEvents } from '../support/sse-client.js';
import { admin, gruJob, reader, type TestApp, testApp } from '../support/test-app.js';

let t: TestApp;
let base: string;
let cleanups: Array<() => Promise<void>> = [];
beforeEach(async () => {
  t = await testApp({ NEWSCELL_SSE_HEARTBEAT_MS: '100' });
  base = await t.app.listen({ host: '127.0.0.1', port: 0 });
});
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
  await t.close();
});

const create = async () =>
  (
    await t.app.inject({
      method: 'POST',
      url: '/v1/training-jobs',
      headers: admin,
      payload: gruJob,
    })
  ).json().id as string;

/** A worker that reports epoch 1, waits for the test, reports epoch 2 and completes. */
async function steppedWorker() {
  const step = gate();
  const w = await startWorker(t.prefix, async (job) => {
    await job.updateProgress(progressAt(1));
    await step.promise;
    await job.updateProgress(progressAt(2));
    return resultFor('gru-model');
  });
  cleanups.push(async () => {
    step.open();
    await w.close();
  });
  return step;
}

describe('GET /v1/training-jobs/:id/events', () => {
  it('sends a snapshot, progress, then the final view, and ends', async () => {
    const id = await create();
    const sse = await openEvents(`${base}/v1/training-jobs/${id}/events`, reader);
    expect(sse.status).toBe(200);
    expect(sse.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(sse.headers['x-request-id']).toBeTruthy();
    const [snapshot] = await sse.waitForEvents(1);
    expect(snapshot).toMatchObject({ event: 'snapshot', data: { id, state: 'queued' } });

    const step = await steppedWorker();
    await sse.waitForEvents(2);
    expect(sse.events[1]).toEqual({ event: 'progress', data: progressAt(1) });
    step.open();
    await sse.ended;
    expect(sse.events.map((e) => e.event)).toEqual([
      'snapshot',
      'progress',
      'progress',
      'completed',
    ]);
    expect(sse.events[3]?.data).toMatchObject({ id, state: 'completed', modelId: 'gru-model' });
    expect(t.app.jobEvents.listenerCount()).toBe(0);
  });

  it('sends heartbeat comments while the job is quiet', async () => {
    const id = await create();
    const sse = await openEvents(`${base}/v1/training-jobs/${id}/events`, reader);
    expect(await sse.waitForComment()).toBe('heartbeat');
    sse.disconnect();
  });

  it('ends at once for a finished job, after the snapshot', async () => {
    const w = await startWorker(t.prefix, async () => resultFor('m'));
    cleanups.push(w.close);
    const id = await create();
    await until(async () => (await t.queue.getJobState(id)) === 'completed');
    const sse = await openEvents(`${base}/v1/training-jobs/${id}/events`, reader);
    await sse.ended;
    expect(sse.events.map((e) => e.event)).toEqual(['snapshot', 'completed']);
  });

  it('tells a watcher when its queued job is cancelled (removed)', async () => {
    const id = await create();
    const sse = await openEvents(`${base}/v1/training-jobs/${id}/events`, reader);
    await sse.waitForEvents(1);
    await t.app.inject({ method: 'DELETE', url: `/v1/training-jobs/${id}`, headers: admin });
    await sse.ended;
    expect(sse.events.at(-1)).toEqual({ event: 'removed', data: { id } });
  });

  it('removes its listeners when the client disconnects, sharing one QueueEvents', async () => {
    const id = await create();
    const queueEvents = t.app.jobEvents.queueEvents;
    const before = queueEvents.listenerCount('progress');
    const clients = await Promise.all(
      [1, 2, 3].map(() => openEvents(`${base}/v1/training-jobs/${id}/events`, reader)),
    );
    await Promise.all(clients.map((c) => c.waitForEvents(1)));
    expect(t.app.jobEvents.listenerCount(id)).toBe(3);
    expect(t.app.eventStreams.size).toBe(3);
    expect(queueEvents.listenerCount('progress')).toBe(before);
    for (const client of clients) client.disconnect();
    await until(async () => t.app.jobEvents.listenerCount() === 0 && t.app.eventStreams.size === 0);
    expect(queueEvents.listenerCount('progress')).toBe(before);
  });

  it('answers JSON errors before the stream starts: 404, 400, 401', async () => {
    const missing = await t.app.inject({ url: '/v1/training-jobs/777/events', headers: reader });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('JOB_NOT_FOUND');
    expect(t.app.jobEvents.listenerCount()).toBe(0);
    const bad = await t.app.inject({ url: '/v1/training-jobs/a.b/events', headers: reader });
    expect(bad.statusCode).toBe(400);
    const anonymous = await t.app.inject({ url: '/v1/training-jobs/1/events' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('closing the app ends open streams instead of waiting for them', async () => {
    const id = await create();
    const sse = await openEvents(`${base}/v1/training-jobs/${id}/events`, reader);
    await sse.waitForEvents(1);
    await t.app.close();
    await sse.ended;
    expect(t.app.jobEvents.listenerCount()).toBe(0);
  });
});
