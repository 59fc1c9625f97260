import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mcnemarFromCounts } from '@newscell/comparison';
import { agNewsDirForTests, loadAgNews } from '@newscell/dataset';
import { type PrivateRedis, startPrivateRedis } from '@newscell/local-redis';
import { readPredictions } from '@newscell/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../support/fake-worker.js';
import { type RealWorker, startRealWorker } from '../support/real-worker.js';
import { admin, reader, type TestApp, testApp } from '../support/test-app.js';

let t: TestApp;
let worker: RealWorker;
const agNewsDir = await agNewsDirForTests();

let privateRedis: PrivateRedis | undefined;

beforeAll(async () => {
  // A Redis of this file's own, as the worker's tests have: a parallel run that started the shared
  // project Redis may stop it mid-test, and these tests train for seconds.
  privateRedis = await startPrivateRedis();
  process.env.REDIS_URL = privateRedis.url;
  t = await testApp({ AGNEWS_DIR: agNewsDir });
  worker = await startRealWorker({
    redisUrl: t.config.redisUrl,
    prefix: t.prefix,
    modelsDir: t.config.modelsDir,
    agNewsDir,
  });
}, 60_000);

afterAll(async () => {
  await worker?.stop();
  await t.close();
  await privateRedis?.dispose();
}, 60_000);

const tiny = {
  name: 'e2e comparison',
  cells: ['bow', 'rnn'],
  seeds: [1, 2],
  model: { embeddingDim: 8, hiddenUnits: 8 },
  training: { epochs: 1, batchSize: 32 },
  data: { trainPerClass: 40, testPerClass: 20 },
  tokenizer: { maxLength: 16 },
};

const view = async (id: string) =>
  (await t.app.inject({ url: `/v1/comparisons/${id}`, headers: reader })).json();

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('a comparison with a real worker', () => {
  it('trains every (cell, seed), then summarises with McNemar tests that match the predictions', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/comparisons',
      headers: admin,
      payload: tiny,
    });
    expect(created.statusCode, created.body).toBe(202);
    const { id } = created.json();
    try {
      await until(async () => (await view(id)).state !== 'running', 150_000);
    } catch (error) {
      throw new Error(`${String(error)}; worker:\n${worker.output().slice(-3000)}`);
    }
    const done = await view(id);
    expect(done.state, JSON.stringify(done.summary?.notCompleted)).toBe('completed');
    expect(done.progress).toEqual({ total: 4, completed: 4, failed: 0, active: 0 });
    const { summary } = done;
    expect(summary.cancelled).toBe(false);
    expect(summary.notCompleted).toEqual([]);
    expect(summary.testItems).toBe(80);

    type Child = {
      cell: string;
      seed: number;
      job: { modelId: string; result: { accuracy: number; macroF1: number } };
    };
    const children = done.children as Child[];
    const of = (cell: string, seed: number) =>
      children.find((c) => c.cell === cell && c.seed === seed) as Child;
    for (const cell of ['bow', 'rnn']) {
      const cellSummary = summary.cells.find((c: { cell: string }) => c.cell === cell);
      const accuracies = [1, 2].map((seed) => of(cell, seed).job.result.accuracy);
      expect(cellSummary.seeds).toEqual([1, 2]);
      expect(cellSummary.accuracy.n).toBe(2);
      expect(cellSummary.accuracy.mean).toBeCloseTo(mean(accuracies), 12);
      const sd = Math.abs(accuracies[0]! - accuracies[1]!) / Math.SQRT2;
      expect(cellSummary.accuracy.sd).toBeCloseTo(sd, 12);
      expect(cellSummary.macroF1.mean).toBeCloseTo(
        mean([1, 2].map((seed) => of(cell, seed).job.result.macroF1)),
        12,
      );
      expect(cellSummary.perClassF1.map((c: { label: string }) => c.label)).toEqual([
        'World',
        'Sports',
        'Business',
        'Sci/Tech',
      ]);
      expect(cellSummary.trainingSeconds.mean).toBeGreaterThan(0);
      expect(cellSummary.parameterCount.mean).toBeGreaterThan(0);
    }

    // Same seed, same data and vocabulary for both cells: the only difference is the cell.
    const manifest = async (modelId: string) =>
      JSON.parse(await readFile(join(t.config.modelsDir, modelId, 'manifest.json'), 'utf8'));
    for (const seed of [1, 2]) {
      const [bow, rnn] = await Promise.all(
        ['bow', 'rnn'].map((cell) => manifest(of(cell, seed).job.modelId)),
      );
      expect(rnn.vocabularyHash).toBe(bow.vocabularyHash);
      expect(rnn.datasetSplitHash).toBe(bow.datasetSplitHash);
    }

    // McNemar recounted by hand from each model's predictions.json.
    const [pair] = summary.pairwise;
    expect(summary.pairwise).toHaveLength(1);
    expect([pair.a, pair.b]).toEqual(['bow', 'rnn']);
    const tables = [];
    for (const seed of [1, 2]) {
      const [a, b] = await Promise.all(
        ['bow', 'rnn'].map(async (cell) => {
          const p = await readPredictions(join(t.config.modelsDir, of(cell, seed).job.modelId));
          if (p === null) throw new Error(`no predictions for ${cell} seed ${seed}`);
          return p;
        }),
      );
      let onlyA = 0;
      let onlyB = 0;
      let both = 0;
      for (let i = 0; i < a!.labels.length; i++) {
        const rightA = a!.predicted[i] === a!.labels[i];
        const rightB = b!.predicted[i] === b!.labels[i];
        if (rightA && rightB) both++;
        else if (rightA) onlyA++;
        else if (rightB) onlyB++;
      }
      const perSeed = pair.perSeed.find((s: { seed: number }) => s.seed === seed);
      expect(perSeed).toMatchObject({ n: 80, onlyA, onlyB, both });
      expect(perSeed.pValue).toBeCloseTo(
        mcnemarFromCounts({ both, onlyA, onlyB, neither: 80 - both - onlyA - onlyB }).pValue,
        12,
      );
      tables.push({ onlyA, onlyB });
    }
    expect(pair.combined.onlyA).toBe(tables[0]!.onlyA + tables[1]!.onlyA);
    expect(pair.combined.onlyB).toBe(tables[0]!.onlyB + tables[1]!.onlyB);
    expect(pair.combined.n).toBe(160);

    // Disagreements of seed 1, with the test texts as the training read them.
    const page = await t.app.inject({
      url: `/v1/comparisons/${id}/disagreements?a=bow&b=rnn&seed=1&limit=200`,
      headers: reader,
    });
    expect(page.statusCode, page.body).toBe(200);
    const body = page.json();
    const p1 = await Promise.all(
      ['bow', 'rnn'].map((cell) =>
        readPredictions(join(t.config.modelsDir, of(cell, 1).job.modelId)),
      ),
    );
    const differing = [...p1[0]!.predicted.keys()].filter(
      (i) => p1[0]!.predicted[i] !== p1[1]!.predicted[i],
    );
    expect(body.total).toBe(differing.length);
    expect(body.items.map((i: { index: number }) => i.index)).toEqual(differing);
    const corpus = await loadAgNews({
      dir: agNewsDir,
      seed: 1,
      validationFraction: 0.1,
      trainLimit: { perClass: 40 },
      testLimit: { perClass: 20 },
    });
    for (const item of body.items) {
      expect(item.text).toBe(corpus.test[item.index]!.text);
      const probs = Object.values(item.probabilities.rnn as Record<string, number>);
      expect(probs.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 4);
    }
  }, 180_000);

  it('cancelling a comparison cancels its children and reports them', async () => {
    const long = {
      ...tiny,
      name: 'e2e cancelled comparison',
      cells: ['lstm', 'gru'],
      seeds: [5],
      training: { epochs: 50, batchSize: 16 },
      data: { trainPerClass: 300, testPerClass: 20 },
    };
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/comparisons',
      headers: admin,
      payload: long,
    });
    const { id } = created.json();
    await until(async () => (await view(id)).progress.active > 0, 90_000);
    const cancel = await t.app.inject({
      method: 'DELETE',
      url: `/v1/comparisons/${id}`,
      headers: admin,
    });
    expect(cancel.statusCode, cancel.body).toBe(202);
    expect(cancel.json()).toEqual({ id, state: 'cancelling', children: 2 });
    try {
      await until(async () => (await view(id)).state !== 'running', 90_000);
    } catch (error) {
      throw new Error(`${String(error)}; worker:\n${worker.output().slice(-3000)}`);
    }
    const done = await view(id);
    expect(done.state).toBe('cancelled');
    expect(done.children.map((c: { job: { state: string } }) => c.job.state)).toEqual([
      'cancelled',
      'cancelled',
    ]);
    expect(done.summary.cancelled).toBe(true);
    expect(
      done.summary.notCompleted.map((c: { cell: string; state: string }) => `${c.cell}:${c.state}`),
    ).toEqual(['lstm:cancelled', 'gru:cancelled']);
    const again = await t.app.inject({
      method: 'DELETE',
      url: `/v1/comparisons/${id}`,
      headers: admin,
    });
    expect(again.statusCode).toBe(409);
  }, 180_000);
  it('reports failed children, and a comparison with no completed child as failed', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/comparisons',
      headers: admin,
      payload: {
        ...tiny,
        name: 'e2e failing comparison',
        seeds: [9],
        embeddings: { source: 'pretrained', file: 'no-such-vectors.vec' },
      },
    });
    expect(created.statusCode, created.body).toBe(202);
    const { id } = created.json();
    await until(async () => (await view(id)).state !== 'running', 90_000);
    const done = await view(id);
    expect(done.state).toBe('failed');
    expect(done.progress).toMatchObject({ total: 2, completed: 0, failed: 2 });
    expect(done.summary.cancelled).toBe(false);
    expect(done.summary.notCompleted).toHaveLength(2);
    for (const child of done.summary.notCompleted) {
      expect(child.state).toBe('failed');
      expect(child.reason).toContain('no-such-vectors.vec');
    }
    expect(done.summary.cells.map((c: { accuracy: { n: number } }) => c.accuracy.n)).toEqual([
      0, 0,
    ]);
    expect(done.summary.pairwise).toEqual([]);
  }, 120_000);
});
