import { DEFAULT_TRAINING_JOB_OPTIONS } from '@newscell/contracts';
import { UnrecoverableError } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gate, progressAt, resultFor, startWorker, until } from '../support/fake-worker.js';
import { admin, gruJob, reader, type TestApp, testApp } from '../support/test-app.js';

let t: TestApp;
let cleanups: Array<() => Promise<void>> = [];
beforeEach(async () => {
  t = await testApp();
});
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
  await t.close();
});

const post = (payload: unknown, headers: Record<string, string> = admin) =>
  t.app.inject({ method: 'POST', url: '/v1/training-jobs', headers, payload: payload as object });
const get = (id: string) => t.app.inject({ url: `/v1/training-jobs/${id}`, headers: reader });

describe('POST /v1/training-jobs', () => {
  it('enqueues the job with the default options and answers 202 with its view', async () => {
    const res = await post(gruJob);
    expect(res.statusCode).toBe(202);
    const body = res.json();
    expect(body).toMatchObject({
      name: 'quick gru',
      state: 'queued',
      data: gruJob,
      progress: null,
      history: [],
      modelId: null,
      result: null,
      failedReason: null,
      attemptsMade: 0,
      timestamps: { started: null, finished: null },
    });
    expect(Date.parse(body.timestamps.created)).toBeGreaterThan(Date.now() - 60_000);
    const job = await t.queue.getJob(body.id);
    expect(job?.data).toEqual(gruJob);
    expect(job?.opts).toMatchObject({
      attempts: DEFAULT_TRAINING_JOB_OPTIONS.attempts,
      backoff: DEFAULT_TRAINING_JOB_OPTIONS.backoff,
    });
  });

  it('takes a bare cell (every other setting defaults) and names the job after it', async () => {
    const res = await post({ model: { cell: 'lstm' } });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ name: 'lstm training', data: { model: { cell: 'lstm' } } });
  });

  it('rejects an unknown field, naming it', async () => {
    const res = await post({ ...gruJob, model: { cell: 'gru', colour: 'red' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('INVALID_ARGUMENT');
    expect(res.json().error.message).toContain("body /model/colour: unknown field 'colour'");
    expect(await t.queue.count()).toBe(0);
  });

  it('rejects a bad value, naming the field, the choices and the value', async () => {
    const res = await post({ model: { cell: 'cnn' }, training: { epochs: 0 } });
    expect(res.statusCode).toBe(400);
    const { message, details } = res.json().error;
    expect(message).toContain(
      'body /model/cell: must be one of "rnn", "lstm", "gru", "bow" (got "cnn")',
    );
    expect(message).toContain('body /training/epochs');
    expect(details.issues.length).toBeGreaterThanOrEqual(2);
  });

  it('rejects a missing model and a body that is not JSON', async () => {
    expect((await post({ name: 'x' })).json().error.message).toContain(
      "missing required field 'model'",
    );
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/training-jobs',
      headers: { ...admin, 'content-type': 'application/json' },
      payload: '{"model":',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('INVALID_ARGUMENT');
  });

  it('answers 413 naming the limit for a body over NEWSCELL_BODY_LIMIT_BYTES', async () => {
    const small = await testApp({ NEWSCELL_BODY_LIMIT_BYTES: '2048' });
    cleanups.push(() => small.close());
    const res = await small.app.inject({
      method: 'POST',
      url: '/v1/training-jobs',
      headers: admin,
      payload: {
        ...gruJob,
        name: 'x'.repeat(100),
        tags: Array(20).fill('y'.repeat(40)),
        pad: 'z'.repeat(3000),
      },
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toEqual({
      code: 'PAYLOAD_TOO_LARGE',
      message: 'request body is larger than 2048 bytes (NEWSCELL_BODY_LIMIT_BYTES)',
    });
  });
});

describe('GET /v1/training-jobs/:id', () => {
  it('answers 404 JOB_NOT_FOUND for an unknown id', async () => {
    const res = await get('999');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      error: {
        code: 'JOB_NOT_FOUND',
        message: 'No training job with id 999',
        details: { id: '999' },
      },
    });
  });

  it('rejects ids outside the pattern (no path traversal)', async () => {
    for (const id of ['..%2F..%2Fetc', '...', 'a.b', 'a%20b', '-1']) {
      const res = await get(id);
      expect(res.statusCode, id).toBe(400);
      expect(res.json().error.message, id).toMatch(/^params \/id: /);
    }
    // A dot segment is resolved away by the router before any handler sees it.
    const long = await get('x'.repeat(129));
    expect(long.statusCode).toBe(414);
    expect(long.json().error).toEqual({
      code: 'INVALID_ARGUMENT',
      message: 'a path parameter is longer than 100 characters',
    });
    for (const id of ['..', '%2E%2E']) expect((await get(id)).statusCode).toBe(404);
  });

  it('shows an active job with its progress and per-epoch history', async () => {
    const hold = gate();
    const w = await startWorker(t.prefix, async (job) => {
      await job.updateProgress(progressAt(1));
      await hold.promise;
      return resultFor('m-1');
    });
    cleanups.push(async () => {
      hold.open();
      await w.close();
    });
    const { id } = (await post(gruJob)).json();
    await until(async () => (await get(id)).json().progress !== null);
    const view = (await get(id)).json();
    expect(view).toMatchObject({ state: 'active', progress: progressAt(1), modelId: null });
    expect(view.history).toEqual(progressAt(1).history);
    expect(view.timestamps.started).not.toBeNull();
  });

  it('shows a completed job with its result, model id and finish time', async () => {
    const w = await startWorker(t.prefix, async (job) => {
      await job.updateProgress(progressAt(2));
      return resultFor('gru-20261127-abc');
    });
    cleanups.push(w.close);
    const { id } = (await post(gruJob)).json();
    await until(async () => (await get(id)).json().state === 'completed');
    const view = (await get(id)).json();
    expect(view).toMatchObject({
      state: 'completed',
      modelId: 'gru-20261127-abc',
      result: resultFor('gru-20261127-abc'),
      failedReason: null,
      attemptsMade: 1,
    });
    expect(view.history).toHaveLength(2);
    expect(view.timestamps.finished).not.toBeNull();
  });

  it('tells failed from cancelled by the failure reason', async () => {
    const w = await startWorker(t.prefix, async (job) => {
      throw new UnrecoverableError(
        job.data.name === 'cancel me'
          ? 'JOB_CANCELLED: cancelled by request'
          : 'DATASET_NOT_FOUND: no train.csv',
      );
    });
    cleanups.push(w.close);
    const failed = (await post(gruJob)).json().id;
    const cancelled = (await post({ ...gruJob, name: 'cancel me' })).json().id;
    await until(async () => (await t.queue.getJobCountByTypes('failed')) === 2);
    expect((await get(failed)).json()).toMatchObject({
      state: 'failed',
      failedReason: 'DATASET_NOT_FOUND: no train.csv',
    });
    expect((await get(cancelled)).json()).toMatchObject({
      state: 'cancelled',
      failedReason: 'JOB_CANCELLED: cancelled by request',
    });
  });
});
