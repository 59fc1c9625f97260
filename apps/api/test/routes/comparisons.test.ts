import { cancellationKey, comparisonCancellationKey } from '@newscell/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, reader, type TestApp, testApp } from '../support/test-app.js';

// No worker runs here: children stay queued, which is what these checks need.
let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(async () => {
  await t.close();
});

const tiny = {
  name: 'tiny',
  cells: ['bow', 'gru'],
  seeds: [3, 7],
  model: { embeddingDim: 8, hiddenUnits: 8 },
  training: { epochs: 1 },
  data: { trainPerClass: 40, testPerClass: 20 },
  tokenizer: { maxLength: 16 },
};

const post = (payload: unknown, headers: Record<string, string> = admin) =>
  t.app.inject({ method: 'POST', url: '/v1/comparisons', headers, payload: payload as object });

describe('POST /v1/comparisons', () => {
  it('asks for a key, and an admin key to start one', async () => {
    expect((await post(tiny, {})).statusCode).toBe(401);
    const asReader = await post(tiny, reader);
    expect(asReader.statusCode).toBe(403);
    expect(asReader.json().error.code).toBe('FORBIDDEN');
    expect((await t.app.inject({ url: '/v1/comparisons' })).statusCode).toBe(401);
  });

  it.each([
    ['one cell', { ...tiny, cells: ['gru'] }, 'cells'],
    ['the same cell twice', { ...tiny, cells: ['gru', 'gru'] }, 'cells'],
    ['an unknown cell', { ...tiny, cells: ['gru', 'cnn'] }, 'cells'],
    ['no seed', { ...tiny, seeds: [] }, 'seeds'],
    ['eleven seeds', { ...tiny, seeds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] }, 'seeds'],
    ['a fractional seed', { ...tiny, seeds: [1.5] }, 'seeds'],
    ['a cell in the shared model settings', { ...tiny, model: { cell: 'gru' } }, 'model'],
    ['a training seed (the seeds list sets it)', { ...tiny, training: { seed: 4 } }, 'training'],
    ['a data seed', { ...tiny, data: { seed: 4 } }, 'data'],
    ['an unknown field', { ...tiny, colour: 'red' }, 'colour'],
  ])('refuses %s, naming the field', async (_what, payload, field) => {
    const res = await post(payload);
    expect(res.statusCode, res.body).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(JSON.stringify(error)).toContain(field);
  });

  it('puts one training per (cell, seed) on the queue, seeded and tagged, under a parent', async () => {
    const res = await post(tiny);
    expect(res.statusCode, res.body).toBe(202);
    const view = res.json();
    expect(view).toMatchObject({
      name: 'tiny',
      state: 'running',
      cells: ['bow', 'gru'],
      seeds: [3, 7],
      progress: { total: 4, completed: 0, failed: 0, active: 0 },
      summary: null,
      pairwise: [],
    });
    expect(view.children.map((c: { cell: string; seed: number }) => `${c.cell}/${c.seed}`)).toEqual(
      ['bow/3', 'gru/3', 'bow/7', 'gru/7'],
    );
    for (const child of view.children) {
      expect(child.job.state).toBe('queued');
      expect(child.job.data).toEqual({
        name: `tiny · ${child.cell} seed ${child.seed}`,
        tags: [`comparison:${view.id}`, `seed:${child.seed}`],
        model: { embeddingDim: 8, hiddenUnits: 8, cell: child.cell },
        training: { epochs: 1, seed: child.seed },
        data: { trainPerClass: 40, testPerClass: 20, seed: child.seed },
        tokenizer: { maxLength: 16 },
      });
      // The children are ordinary training jobs: the training-jobs routes show them too.
      const job = await t.app.inject({ url: `/v1/training-jobs/${child.job.id}`, headers: reader });
      expect(job.json().data.tags).toContain(`comparison:${view.id}`);
    }

    const read = await t.app.inject({ url: `/v1/comparisons/${view.id}`, headers: reader });
    expect(read.statusCode).toBe(200);
    expect(read.json().children).toHaveLength(4);
    const list = await t.app.inject({ url: '/v1/comparisons', headers: reader });
    expect(list.json().items.map((c: { id: string }) => c.id)).toContain(view.id);

    expect(
      (await t.app.inject({ method: 'DELETE', url: `/v1/comparisons/${view.id}`, headers: reader }))
        .statusCode,
    ).toBe(403);
    const cancel = await t.app.inject({
      method: 'DELETE',
      url: `/v1/comparisons/${view.id}`,
      headers: admin,
    });
    expect(cancel.statusCode, cancel.body).toBe(202);
    expect(cancel.json()).toEqual({ id: view.id, state: 'cancelling', children: 4 });
    expect(await t.redis.exists(comparisonCancellationKey(view.id, t.prefix))).toBe(1);
    for (const child of view.children) {
      expect(await t.redis.exists(cancellationKey(child.job.id, t.prefix))).toBe(1);
    }
  });

  it('lists newest first', async () => {
    const first = (await post({ ...tiny, name: 'first' })).json();
    await new Promise((r) => setTimeout(r, 5));
    const second = (await post({ ...tiny, name: 'second' })).json();
    const ids = (await t.app.inject({ url: '/v1/comparisons', headers: reader }))
      .json()
      .items.map((c: { id: string }) => c.id);
    expect(ids.indexOf(second.id)).toBeLessThan(ids.indexOf(first.id));
  });
});

describe('reading, cancelling, disagreements', () => {
  it('answers 404 for an unknown comparison', async () => {
    for (const [method, url] of [
      ['GET', '/v1/comparisons/cmp-nope'],
      ['DELETE', '/v1/comparisons/cmp-nope'],
      ['GET', '/v1/comparisons/cmp-nope/disagreements?a=gru&b=bow&seed=1'],
    ] as const) {
      const res = await t.app.inject({ method, url, headers: admin });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json().error.code).toBe('JOB_NOT_FOUND');
    }
  });

  it('checks the disagreement query', async () => {
    const view = (await post(tiny)).json();
    const url = (q: string) => `/v1/comparisons/${view.id}/disagreements?${q}`;
    const same = await t.app.inject({ url: url('a=gru&b=gru&seed=3'), headers: reader });
    expect(same.statusCode).toBe(400);
    expect(same.json().error.message).toContain("both 'gru'");
    const missing = await t.app.inject({ url: url('a=gru&seed=3'), headers: reader });
    expect(missing.statusCode).toBe(400);
    const otherCell = await t.app.inject({ url: url('a=gru&b=lstm&seed=3'), headers: reader });
    expect(otherCell.statusCode).toBe(400);
    expect(otherCell.json().error.message).toContain('no lstm training with seed 3');
    const notTrained = await t.app.inject({ url: url('a=gru&b=bow&seed=3'), headers: reader });
    expect(notTrained.statusCode).toBe(404);
    expect(notTrained.json().error.message).toContain('no model yet');
  });
});
