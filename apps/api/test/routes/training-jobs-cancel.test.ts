import {
  CANCELLATION_TTL_SECONDS,
  cancellationChannel,
  cancellationKey,
} from '@newscell/contracts';
import { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { gate, resultFor, startWorker, until } from '../support/fake-worker.js';
import { admin, gruJob, reader, redisUrl, type TestApp, testApp } from '../support/test-app.js';

let t: TestApp;
let cleanups: Array<() => Promise<void>> = [];
beforeEach(async () => {
  t = await testApp();
});
afterEach(async () => {
  vi.restoreAllMocks();
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
const cancel = (id: string, headers: Record<string, string> = admin) =>
  t.app.inject({ method: 'DELETE', url: `/v1/training-jobs/${id}`, headers });

/** Collects what is published on the cancellation channel. */
async function listenForCancels(): Promise<string[]> {
  const subscriber = new Redis(redisUrl());
  const messages: string[] = [];
  subscriber.on('message', (_channel, message) => messages.push(message));
  await subscriber.subscribe(cancellationChannel(t.prefix));
  cleanups.push(async () => {
    subscriber.disconnect();
  });
  return messages;
}

/** A job a worker holds active until the test ends. */
async function activeJob(): Promise<string> {
  const hold = gate();
  const w = await startWorker(t.prefix, async () => {
    await hold.promise;
    return resultFor('m');
  });
  cleanups.push(async () => {
    hold.open();
    await w.close();
  });
  const id = await create();
  await until(async () => (await t.queue.getJobState(id)) === 'active');
  return id;
}

describe('DELETE /v1/training-jobs/:id', () => {
  it('removes a queued job: 202 cancelled, and the job is gone', async () => {
    const id = await create();
    const res = await cancel(id);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ id, state: 'cancelled' });
    expect(await t.queue.getJob(id)).toBeUndefined();
    expect(
      (await t.app.inject({ url: `/v1/training-jobs/${id}`, headers: reader })).statusCode,
    ).toBe(404);
  });

  it('asks the worker to stop an active job: key with TTL, then a message on the channel', async () => {
    const messages = await listenForCancels();
    const id = await activeJob();
    const res = await cancel(id);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ id, state: 'cancelling' });
    const ttl = await t.redis.ttl(cancellationKey(id, t.prefix));
    expect(ttl).toBeGreaterThan(CANCELLATION_TTL_SECONDS - 60);
    expect(ttl).toBeLessThanOrEqual(CANCELLATION_TTL_SECONDS);
    await until(async () => messages.length > 0);
    expect(messages.map((m) => JSON.parse(m))).toEqual([{ jobId: id }]);
    expect(await t.queue.getJobState(id)).toBe('active');
  });

  it('falls back to the message when a queued job turns active before it is removed', async () => {
    const messages = await listenForCancels();
    const id = await activeJob();
    // The look says waiting; by the removal a worker holds the lock, so removal fails.
    vi.spyOn(Job.prototype, 'getState').mockResolvedValueOnce('waiting');
    const res = await cancel(id);
    expect(res.json()).toEqual({ id, state: 'cancelling' });
    await until(async () => messages.length > 0);
    expect(JSON.parse(messages[0] ?? '')).toEqual({ jobId: id });
    expect(await t.redis.exists(cancellationKey(id, t.prefix))).toBe(1);
  });

  it('answers 409 JOB_FINISHED for a finished job and leaves it alone', async () => {
    const w = await startWorker(t.prefix, async () => resultFor('done'));
    cleanups.push(w.close);
    const id = await create();
    await until(async () => (await t.queue.getJobState(id)) === 'completed');
    const res = await cancel(id);
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toEqual({
      code: 'JOB_FINISHED',
      message: `Training job ${id} is already completed; only queued or active jobs can be cancelled`,
      details: { id, state: 'completed' },
    });
    expect(await t.queue.getJobState(id)).toBe('completed');
    expect(await t.redis.exists(cancellationKey(id, t.prefix))).toBe(0);
  });

  it('answers 404 for an unknown job and 400 for a bad id', async () => {
    expect((await cancel('4242')).json().error.code).toBe('JOB_NOT_FOUND');
    expect((await cancel('4242')).statusCode).toBe(404);
    expect((await cancel('a.b')).statusCode).toBe(400);
  });

  it('needs an admin key', async () => {
    const id = await create();
    expect((await cancel(id, reader)).statusCode).toBe(403);
    expect((await cancel(id, {})).statusCode).toBe(401);
    expect(await t.queue.getJobState(id)).toBe('waiting');
  });
});
