import { UnrecoverableError } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultFor, startWorker, until } from '../support/fake-worker.js';
import { admin, reader, type TestApp, testApp } from '../support/test-app.js';

// Seven jobs, oldest first: ids 1..7. A worker completes 1, fails 2, "cancels" 3; 4..7 wait.
let t: TestApp;
const cells = ['gru', 'lstm', 'rnn', 'gru', 'lstm', 'gru', 'bow'];
beforeAll(async () => {
  t = await testApp();
  const w = await startWorker(t.prefix, async (job) => {
    if (job.id === '2') throw new UnrecoverableError('DATASET_EMPTY: nothing to train on');
    if (job.id === '3') throw new UnrecoverableError('JOB_CANCELLED: cancelled by request');
    return resultFor(`model-${job.id}`);
  });
  for (const [i, cell] of cells.entries()) {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/training-jobs',
      headers: admin,
      payload: { name: `job ${i + 1}`, model: { cell } },
    });
    expect(res.json().id).toBe(String(i + 1));
    if (i === 2) {
      await until(async () => (await t.queue.getJobCountByTypes('completed', 'failed')) === 3);
      await w.close();
    }
  }
});
afterAll(async () => t.close());

const list = async (query: string) => {
  const res = await t.app.inject({ url: `/v1/training-jobs${query}`, headers: reader });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { items: Array<{ id: string; state: string }>; nextCursor: string | null };
};
const ids = (page: { items: Array<{ id: string }> }) => page.items.map((j) => j.id);

describe('GET /v1/training-jobs', () => {
  it('lists every job newest first', async () => {
    const page = await list('');
    expect(ids(page)).toEqual(['7', '6', '5', '4', '3', '2', '1']);
    expect(page.items.map((j) => j.state)).toEqual([
      'queued',
      'queued',
      'queued',
      'queued',
      'cancelled',
      'failed',
      'completed',
    ]);
    expect(page.nextCursor).toBeNull();
  });

  it('filters by state, telling cancelled from failed', async () => {
    expect(ids(await list('?state=queued'))).toEqual(['7', '6', '5', '4']);
    expect(ids(await list('?state=completed'))).toEqual(['1']);
    expect(ids(await list('?state=failed'))).toEqual(['2']);
    expect(ids(await list('?state=cancelled'))).toEqual(['3']);
    expect(ids(await list('?state=active'))).toEqual([]);
  });

  it('filters by cell, alone and with a state', async () => {
    expect(ids(await list('?cell=gru'))).toEqual(['6', '4', '1']);
    expect(ids(await list('?cell=gru&state=queued'))).toEqual(['6', '4']);
    expect(ids(await list('?cell=rnn&state=cancelled'))).toEqual(['3']);
  });

  it('pages with limit and offset', async () => {
    const first = await list('?limit=3');
    expect(ids(first)).toEqual(['7', '6', '5']);
    expect(first.nextCursor).toBe('5');
    expect(ids(await list('?limit=3&offset=3'))).toEqual(['4', '3', '2']);
    const last = await list('?limit=3&offset=6');
    expect(ids(last)).toEqual(['1']);
    expect(last.nextCursor).toBeNull();
    expect(ids(await list('?cell=gru&limit=1&offset=1'))).toEqual(['4']);
  });

  it('pages with the cursor until nextCursor is null', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(`?limit=2${cursor === null ? '' : `&cursor=${cursor}`}`);
      seen.push(...ids(page));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(['7', '6', '5', '4', '3', '2', '1']);
    expect(ids(await list('?cell=gru&cursor=6'))).toEqual(['4', '1']);
  });

  it('rejects bad filters and page sizes, naming the parameter', async () => {
    for (const [query, field] of [
      ['?state=running', 'querystring /state: must be one of'],
      ['?cell=cnn', 'querystring /cell: must be one of'],
      ['?limit=0', 'querystring /limit'],
      ['?limit=101', 'querystring /limit'],
      ['?offset=-1', 'querystring /offset'],
      ['?cursor=../x', 'querystring /cursor'],
      ['?sort=asc', "querystring /sort: unknown field 'sort'"],
    ] as const) {
      const res = await t.app.inject({ url: `/v1/training-jobs${query}`, headers: reader });
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.message, query).toContain(field);
    }
  });
});
