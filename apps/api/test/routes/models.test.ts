import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALIASES_JSON } from '../../src/models/alias-store.js';
import { writeFixtureModel } from '../support/model-fixtures.js';
import { admin, reader, type TestApp, testAppsClosedAfterEach } from '../support/test-app.js';

const make = testAppsClosedAfterEach();

const at = (minute: number) => new Date(Date.UTC(2026, 10, 27, 18, minute));
const figures = (accuracy: number, extra: Partial<Record<string, number>> = {}) => ({
  accuracy,
  macroF1: accuracy - 0.01,
  trainingSeconds: 10,
  samplesPerSecond: 1000,
  parameterCount: 500,
  msPerTextBatch1: 1,
  msPerTextBatch64: 0.1,
  ...extra,
});

/** Three gru and two bow models with known figures; `bow-plain` has no metrics.json. */
async function withModels(): Promise<TestApp> {
  const t = await make();
  const dir = t.config.modelsDir;
  await writeFixtureModel(dir, {
    id: 'gru-a',
    cell: 'gru',
    created: at(1),
    metrics: figures(0.8, {
      trainingSeconds: 10,
      samplesPerSecond: 100,
      parameterCount: 300,
      msPerTextBatch1: 2,
      msPerTextBatch64: 0.2,
    }),
  });
  await writeFixtureModel(dir, {
    id: 'gru-b',
    cell: 'gru',
    created: at(2),
    metrics: figures(0.9, {
      trainingSeconds: 20,
      samplesPerSecond: 200,
      parameterCount: 300,
      msPerTextBatch1: 4,
      msPerTextBatch64: 0.4,
    }),
  });
  await writeFixtureModel(dir, {
    id: 'gru-c',
    cell: 'gru',
    created: at(3),
    metrics: figures(0.7, {
      macroF1: 0.95,
      trainingSeconds: 60,
      samplesPerSecond: 600,
      parameterCount: 600,
      msPerTextBatch1: 6,
      msPerTextBatch64: 0.6,
    }),
  });
  await writeFixtureModel(dir, {
    id: 'bow-a',
    cell: 'bow',
    created: at(4),
    metrics: figures(0.85),
  });
  await writeFixtureModel(dir, { id: 'bow-plain', cell: 'bow', created: at(5), metrics: null });
  return t;
}

describe('GET /v1/models', () => {
  it('lists every model newest first with its metrics, and pages with cursor and offset', async () => {
    const t = await withModels();
    const res = await t.app.inject({ url: '/v1/models', headers: reader });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.items.map((m: { id: string }) => m.id)).toEqual([
      'bow-plain',
      'bow-a',
      'gru-c',
      'gru-b',
      'gru-a',
    ]);
    expect(body.nextCursor).toBeNull();
    expect(body.items[4]).toMatchObject({
      id: 'gru-a',
      cell: 'gru',
      created: at(1).toISOString(),
      accuracy: 0.8,
      macroF1: 0.8 - 0.01,
      logLoss: 0.5,
      parameterCount: 300,
      trainingSeconds: 10,
      samplesPerSecond: 100,
      epochs: 2,
      inference: { msPerTextBatch1: 2, msPerTextBatch64: 0.2, runs: 5 },
      job: { id: 'job-gru-a', name: 'fixture gru-a', tags: ['fixture'] },
      aliases: [],
    });
    expect(body.items[0]).toMatchObject({ id: 'bow-plain', accuracy: null, job: null });

    const first = (await t.app.inject({ url: '/v1/models?limit=2', headers: reader })).json();
    expect(first.items.map((m: { id: string }) => m.id)).toEqual(['bow-plain', 'bow-a']);
    expect(first.nextCursor).toBe('bow-a');
    const second = (
      await t.app.inject({ url: `/v1/models?limit=2&cursor=${first.nextCursor}`, headers: reader })
    ).json();
    expect(second.items.map((m: { id: string }) => m.id)).toEqual(['gru-c', 'gru-b']);
    const offset = (
      await t.app.inject({ url: '/v1/models?limit=2&offset=4', headers: reader })
    ).json();
    expect(offset).toEqual({
      items: [expect.objectContaining({ id: 'gru-a' })],
      nextCursor: null,
      skipped: [],
    });
  });

  it('filters by cell and sorts by accuracy, models without metrics last', async () => {
    const t = await withModels();
    const gru = (
      await t.app.inject({ url: '/v1/models?cell=gru&sort=accuracy', headers: reader })
    ).json();
    expect(gru.items.map((m: { id: string }) => m.id)).toEqual(['gru-b', 'gru-a', 'gru-c']);
    const all = (await t.app.inject({ url: '/v1/models?sort=accuracy', headers: reader })).json();
    expect(all.items.map((m: { id: string }) => m.id)).toEqual([
      'gru-b',
      'bow-a',
      'gru-a',
      'gru-c',
      'bow-plain',
    ]);
  });

  it('rejects bad query values, unknown fields and a stale cursor', async () => {
    const t = await withModels();
    for (const [query, pattern] of [
      ['cell=cnn', /querystring \/cell/],
      ['sort=size', /querystring \/sort/],
      ['limit=0', /querystring \/limit/],
      ['limit=abc', /querystring \/limit/],
      ['colour=red', /unknown field 'colour'/],
      ['cursor=..%2Fetc', /querystring \/cursor/],
      ['cursor=gone', /cursor gone is not a model/],
    ] as const) {
      const res = await t.app.inject({ url: `/v1/models?${query}`, headers: reader });
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.code, query).toBe('INVALID_ARGUMENT');
      expect(res.json().error.message, query).toMatch(pattern);
    }
  });

  it('shows a model the worker saves after start, without a restart, and forgets a removed one', async () => {
    const t = await make();
    const list = async () =>
      (await t.app.inject({ url: '/v1/models', headers: reader }))
        .json()
        .items.map((m: { id: string }) => m.id);
    expect(await list()).toEqual([]);
    await writeFixtureModel(t.config.modelsDir, { id: 'gru-new', cell: 'gru' });
    expect(await list()).toEqual(['gru-new']);
    await rm(join(t.config.modelsDir, 'gru-new'), { recursive: true });
    expect(await list()).toEqual([]);
  });

  it('lists a model trained outside a job (metrics.json job: null, as the CLI writes it)', async () => {
    const t = await make();
    await writeFixtureModel(t.config.modelsDir, {
      id: 'gru-cli',
      cell: 'gru',
      metrics: figures(0.8),
      job: null,
    });
    const body = (await t.app.inject({ url: '/v1/models', headers: reader })).json();
    expect(body.items.map((m: { id: string }) => m.id)).toEqual(['gru-cli']);
    expect(body.items[0]).toMatchObject({ accuracy: 0.8, job: null });
  });

  it('leaves out directories that are not models, and temp siblings', async () => {
    const t = await withModels();
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(join(t.config.modelsDir, 'half-copied'));
    await mkdir(join(t.config.modelsDir, 'gru-x.tmp-1-abcd'));
    await writeFile(join(t.config.modelsDir, 'notes.txt'), 'hi');
    const res = await t.app.inject({ url: '/v1/models', headers: reader });
    expect(res.json().items).toHaveLength(5);
    expect(res.json().skipped).toEqual([
      expect.objectContaining({ id: 'half-copied', code: 'MODEL_CORRUPT' }),
    ]);
    expect(t.logs.join('')).toContain('half-copied');
    const half = await t.app.inject({ url: '/v1/models/half-copied', headers: reader });
    expect(half.statusCode).toBe(409);
    expect(half.json().error).toMatchObject({
      code: 'MODEL_CORRUPT',
      message: expect.stringContaining('manifest.json'),
    });
  });

  it('needs a key', async () => {
    const t = await make();
    const res = await t.app.inject({ url: '/v1/models' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('UNAUTHORIZED');
    const wrong = await t.app.inject({
      url: '/v1/models',
      headers: { 'x-api-key': 'x'.repeat(20) },
    });
    expect(wrong.statusCode).toBe(401);
  });
});

describe('GET /v1/models/:id', () => {
  it('shows config, manifest, test metrics with confusion matrix and per class, and history', async () => {
    const t = await withModels();
    const res = await t.app.inject({ url: '/v1/models/gru-b', headers: reader });
    expect(res.statusCode).toBe(200);
    const m = res.json();
    expect(m).toMatchObject({
      id: 'gru-b',
      accuracy: 0.9,
      config: { cell: 'gru', maxLength: 8, hiddenUnits: 4, bidirectional: false },
      manifest: { id: 'gru-b', cell: 'gru', datasetSplitHash: 'fixture', formatVersion: 1 },
      test: {
        confusionMatrix: [
          [2, 0, 0, 0],
          [0, 2, 0, 0],
          [0, 0, 2, 0],
          [0, 0, 0, 2],
        ],
      },
      data: { source: 'fixture' },
    });
    expect(m.test.perClass.map((c: { label: string }) => c.label)).toEqual([
      'World',
      'Sports',
      'Business',
      'Sci/Tech',
    ]);
    expect(Object.keys(m.manifest.files)).toEqual(
      expect.arrayContaining(['weights.bin', 'model.json']),
    );
    expect(m.training.history).toEqual([
      {
        epoch: 1,
        loss: 1.2,
        accuracy: 0.5,
        validationLoss: null,
        validationAccuracy: null,
        samplesPerSecond: 900,
        seconds: 1,
      },
      {
        epoch: 2,
        loss: 0.6,
        accuracy: 0.8,
        validationLoss: 0.4,
        validationAccuracy: 0.85,
        samplesPerSecond: 1000,
        seconds: 1,
      },
    ]);
    const plain = (await t.app.inject({ url: '/v1/models/bow-plain', headers: reader })).json();
    expect(plain).toMatchObject({ test: null, training: null, data: null, accuracy: null });
  });

  it('answers 404 for an unknown model and 400 for an id that could leave the registry', async () => {
    const t = await withModels();
    const missing = await t.app.inject({ url: '/v1/models/gru-zzz', headers: reader });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toEqual({
      code: 'MODEL_NOT_FOUND',
      message: 'No model with id gru-zzz',
      details: { id: 'gru-zzz' },
    });
    for (const id of ['..%2F..%2Fetc', '.hidden', 'a.b', 'a%20b', '-x', '%2Fetc%2Fpasswd']) {
      const res = await t.app.inject({ url: `/v1/models/${id}`, headers: reader });
      expect(res.statusCode, id).toBe(400);
      expect(res.json().error.message, id).toMatch(/^params \/id: /);
    }
  });
});

describe('DELETE /v1/models/:id', () => {
  it('deletes a model (admin only), refuses one an alias names', async () => {
    const t = await withModels();
    const read = await t.app.inject({ method: 'DELETE', url: '/v1/models/gru-a', headers: reader });
    expect(read.statusCode).toBe(403);
    expect(read.json().error.code).toBe('FORBIDDEN');

    const put = await t.app.inject({
      method: 'PUT',
      url: '/v1/aliases/default',
      headers: admin,
      payload: { modelId: 'gru-a' },
    });
    expect(put.statusCode).toBe(200);
    const refused = await t.app.inject({
      method: 'DELETE',
      url: '/v1/models/gru-a',
      headers: admin,
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({
      code: 'MODEL_IN_USE',
      details: { id: 'gru-a', aliases: ['default'] },
    });
    expect(refused.json().error.message).toContain('alias default');

    const gone = await t.app.inject({ method: 'DELETE', url: '/v1/models/gru-b', headers: admin });
    expect(gone.statusCode).toBe(200);
    expect(gone.json()).toEqual({ id: 'gru-b', deleted: true });
    expect((await t.app.inject({ url: '/v1/models/gru-b', headers: reader })).statusCode).toBe(404);
    const again = await t.app.inject({ method: 'DELETE', url: '/v1/models/gru-b', headers: admin });
    expect(again.statusCode).toBe(404);
    const { readdir } = await import('node:fs/promises');
    expect((await readdir(t.config.modelsDir)).filter((f) => f.startsWith('gru-b'))).toEqual([]);
  });
});

describe('/v1/aliases', () => {
  it('sets, lists, moves and removes aliases, persisted in aliases.json', async () => {
    const t = await withModels();
    expect((await t.app.inject({ url: '/v1/aliases', headers: reader })).json()).toEqual({
      items: [],
    });
    const set = await t.app.inject({
      method: 'PUT',
      url: '/v1/aliases/default',
      headers: admin,
      payload: { modelId: 'gru-a' },
    });
    expect(set.json()).toMatchObject({ name: 'default', modelId: 'gru-a' });
    await t.app.inject({
      method: 'PUT',
      url: '/v1/aliases/fast',
      headers: admin,
      payload: { modelId: 'bow-a' },
    });
    await t.app.inject({
      method: 'PUT',
      url: '/v1/aliases/default',
      headers: admin,
      payload: { modelId: 'gru-b' },
    });
    const list = (await t.app.inject({ url: '/v1/aliases', headers: reader })).json();
    expect(list.items.map((a: { name: string; modelId: string }) => [a.name, a.modelId])).toEqual([
      ['default', 'gru-b'],
      ['fast', 'bow-a'],
    ]);
    const file = JSON.parse(await readFile(join(t.config.modelsDir, ALIASES_JSON), 'utf8'));
    expect(file.aliases.default.modelId).toBe('gru-b');
    const summary = (await t.app.inject({ url: '/v1/models/gru-b', headers: reader })).json();
    expect(summary.aliases).toEqual(['default']);

    const removed = await t.app.inject({
      method: 'DELETE',
      url: '/v1/aliases/fast',
      headers: admin,
    });
    expect(removed.json()).toMatchObject({ name: 'fast', modelId: 'bow-a' });
    const missing = await t.app.inject({
      method: 'DELETE',
      url: '/v1/aliases/fast',
      headers: admin,
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('NOT_FOUND');
  });

  it('rejects an unknown model, a bad name, unknown fields, wrong types and read keys', async () => {
    const t = await withModels();
    const put = (name: string, payload: unknown, headers: Record<string, string> = admin) =>
      t.app.inject({
        method: 'PUT',
        url: `/v1/aliases/${name}`,
        headers,
        payload: payload as object,
      });
    const unknown = await put('default', { modelId: 'nope' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('MODEL_NOT_FOUND');
    expect((await put('..%2Fx', { modelId: 'gru-a' })).json().error.message).toMatch(
      /^params \/name: /,
    );
    const extra = await put('default', { modelId: 'gru-a', force: true });
    expect(extra.statusCode).toBe(400);
    expect(extra.json().error.message).toContain("unknown field 'force'");
    const wrongType = await put('default', { modelId: 42 });
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json().error.message).toMatch(/body \/modelId: must be string/);
    const traversal = await put('default', { modelId: '../gru-a' });
    expect(traversal.statusCode).toBe(400);
    expect((await put('default', { modelId: 'gru-a' }, reader)).statusCode).toBe(403);
    expect((await put('default', { modelId: 'gru-a' }, {})).statusCode).toBe(401);
  });
});

describe('GET /v1/compare', () => {
  it('computes best and mean per cell from the saved metrics', async () => {
    const t = await withModels();
    const res = await t.app.inject({ url: '/v1/compare', headers: reader });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.cells.map((c: { cell: string }) => c.cell)).toEqual(['rnn', 'lstm', 'gru', 'bow']);
    const gru = body.cells[2];
    expect(gru).toMatchObject({ cell: 'gru', models: 3, scoredModels: 3, bestModelId: 'gru-b' });
    expect(gru.accuracy.best).toBeCloseTo(0.9, 10);
    expect(gru.accuracy.mean).toBeCloseTo((0.8 + 0.9 + 0.7) / 3, 10);
    expect(gru.macroF1.best).toBeCloseTo(0.95, 10);
    expect(gru.macroF1.mean).toBeCloseTo((0.79 + 0.89 + 0.95) / 3, 10);
    expect(gru.meanTrainingSeconds).toBeCloseTo(30, 10);
    expect(gru.meanSamplesPerSecond).toBeCloseTo(300, 10);
    expect(gru.meanParameterCount).toBeCloseTo(400, 10);
    expect(gru.meanMsPerTextBatch1).toBeCloseTo(4, 10);
    expect(gru.meanMsPerTextBatch64).toBeCloseTo(0.4, 10);
    expect(body.cells[3]).toMatchObject({
      cell: 'bow',
      models: 2,
      scoredModels: 1,
      bestModelId: 'bow-a',
    });
    expect(body.cells[3].accuracy).toEqual({ best: 0.85, mean: 0.85 });
    expect(body.cells[0]).toMatchObject({
      cell: 'rnn',
      models: 0,
      bestModelId: null,
      accuracy: { best: null, mean: null },
      meanTrainingSeconds: null,
    });
    expect(body.bestModelId).toBe('gru-b');
  });
});
