import {
  COMPARISON_QUEUE_NAME,
  RESOURCE_ID_PATTERN,
  TRAINING_QUEUE_NAME,
} from '@newscell/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isQueueKeyName } from '../../src/jobs/queue-key-names.js';
import { writeFixtureModel } from '../support/model-fixtures.js';
import { admin, gruJob, type TestApp, testApp } from '../support/test-app.js';

// No worker runs here: the job and the comparison stay queued, their queues' keys stay in Redis.
let t: TestApp;
beforeAll(async () => {
  t = await testApp();
  const job = await t.app.inject({
    method: 'POST',
    url: '/v1/training-jobs',
    headers: admin,
    payload: gruJob,
  });
  expect(job.statusCode).toBe(202);
  const comparison = await t.app.inject({
    method: 'POST',
    url: '/v1/comparisons',
    headers: admin,
    payload: { cells: ['bow', 'gru'], seeds: [1], training: { epochs: 1 } },
  });
  expect(comparison.statusCode).toBe(202);
});
afterAll(async () => {
  await t.close();
});

/** The names of the keys a queue really has in Redis that a job id could also be. */
async function keyNamesOf(queue: string): Promise<string[]> {
  const head = `${t.prefix}:${queue}:`;
  const keys = await t.redis.keys(`${head}*`);
  const names = keys.map((k) => k.slice(head.length)).filter((n) => !n.includes(':'));
  return names.filter(
    (n) => new RegExp(RESOURCE_ID_PATTERN).test(n) && !/^[0-9a-f-]{36}$|^\d+$|^cmp-/.test(n),
  );
}

const BULLMQ_NAMES = [
  'id',
  'events',
  'meta',
  'wait',
  'active',
  'stalled-check',
  'paused',
  'marker',
];

function expectNotFound(res: { statusCode: number; json(): unknown }, id: string) {
  expect(res.statusCode).toBe(404);
  const { error } = res.json() as { error: { code: string; message: string } };
  expect(error.code).toBe('JOB_NOT_FOUND');
  expect(error.message).toContain(id);
}

describe('job ids that are the names of BullMQ keys', () => {
  it('are every key name the queues really have (the list is complete)', async () => {
    const names = [
      ...(await keyNamesOf(TRAINING_QUEUE_NAME)),
      ...(await keyNamesOf(COMPARISON_QUEUE_NAME)),
    ];
    expect(names).toEqual(expect.arrayContaining(['id', 'events', 'meta']));
    for (const name of names) expect(isQueueKeyName(name), name).toBe(true);
  });

  it.each(BULLMQ_NAMES)('training job %s: 404 on GET, DELETE and events', async (id) => {
    for (const [method, url] of [
      ['GET', `/v1/training-jobs/${id}`],
      ['DELETE', `/v1/training-jobs/${id}`],
      ['GET', `/v1/training-jobs/${id}/events`],
    ] as const) {
      expectNotFound(await t.app.inject({ method, url, headers: admin }), id);
    }
  });

  it.each(BULLMQ_NAMES)('comparison %s: 404 on GET, DELETE and disagreements', async (id) => {
    for (const [method, url] of [
      ['GET', `/v1/comparisons/${id}`],
      ['DELETE', `/v1/comparisons/${id}`],
      ['GET', `/v1/comparisons/${id}/disagreements?a=bow&b=gru&seed=1`],
    ] as const) {
      expectNotFound(await t.app.inject({ method, url, headers: admin }), id);
    }
  });

  it('the real job and comparison are still found', async () => {
    const jobs = (await t.app.inject({ url: '/v1/training-jobs', headers: admin })).json();
    const id = jobs.items[0].id as string;
    expect(
      (await t.app.inject({ url: `/v1/training-jobs/${id}`, headers: admin })).statusCode,
    ).toBe(200);
    const comparisons = (await t.app.inject({ url: '/v1/comparisons', headers: admin })).json();
    const cid = comparisons.items[0].id as string;
    expect((await t.app.inject({ url: `/v1/comparisons/${cid}`, headers: admin })).statusCode).toBe(
      200,
    );
  });
});

describe('aliases named like Object.prototype members', () => {
  const names = ['constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];

  it.each(names)(
    '%s: 404 to delete while absent; set, listed, read back and deleted like any other',
    async (name) => {
      await writeFixtureModel(t.config.modelsDir, { id: 'bow-p', cell: 'bow', overwrite: true });
      const remove = () =>
        t.app.inject({ method: 'DELETE', url: `/v1/aliases/${name}`, headers: admin });
      const absent = await remove();
      expect(absent.statusCode).toBe(404);
      expect(absent.json().error).toMatchObject({
        code: 'NOT_FOUND',
        message: `No alias named ${name}`,
      });

      const put = await t.app.inject({
        method: 'PUT',
        url: `/v1/aliases/${name}`,
        headers: admin,
        payload: { modelId: 'bow-p' },
      });
      expect(put.statusCode).toBe(200);
      expect(put.json()).toMatchObject({ name, modelId: 'bow-p' });
      const list = (await t.app.inject({ url: '/v1/aliases', headers: admin })).json();
      expect(list.items).toEqual([expect.objectContaining({ name, modelId: 'bow-p' })]);

      const removed = await remove();
      expect(removed.statusCode).toBe(200);
      expect(removed.json()).toMatchObject({ name, modelId: 'bow-p' });
      expect((await remove()).statusCode).toBe(404);
    },
  );
});
