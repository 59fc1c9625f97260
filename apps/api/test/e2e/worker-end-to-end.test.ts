import { readdir } from 'node:fs/promises';
import { AG_NEWS_LABELS } from '@newscell/contracts';
import { agNewsDirForTests } from '@newscell/dataset';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../support/fake-worker.js';
import { type RealWorker, startRealWorker } from '../support/real-worker.js';
import { openEvents } from '../support/sse-client.js';
import { admin, reader, type TestApp, testApp } from '../support/test-app.js';

let t: TestApp;
let base: string;
let worker: RealWorker;

beforeAll(async () => {
  // Real AG News, read-only: fails loudly (DATASET_NOT_FOUND naming AGNEWS_DIR) when missing.
  const agNewsDir = await agNewsDirForTests();
  t = await testApp();
  base = await t.app.listen({ host: '127.0.0.1', port: 0 });
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
}, 60_000);

const small = {
  name: 'e2e bow',
  tags: ['e2e'],
  model: { cell: 'bow', embeddingDim: 16 },
  training: { epochs: 2, batchSize: 32 },
  data: { trainPerClass: 50, testPerClass: 20 },
  tokenizer: { maxLength: 24 },
};

describe('API with a real worker', () => {
  it('trains a job followed over SSE, then predicts with the new model and compares it', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/training-jobs',
      headers: admin,
      payload: small,
    });
    expect(created.statusCode, created.body).toBe(202);
    const { id } = created.json();
    const sse = await openEvents(`${base}/v1/training-jobs/${id}/events`, reader);
    expect(sse.status).toBe(200);
    await Promise.race([
      sse.ended,
      new Promise((_, reject) =>
        setTimeout(
          () =>
            reject(new Error(`job did not end in 150 s; worker:\n${worker.output().slice(-3000)}`)),
          150_000,
        ),
      ),
    ]);
    const names = sse.events.map((e) => e.event);
    expect(names[0]).toBe('snapshot');
    expect(names).toContain('progress');
    expect(names.at(-1), worker.output().slice(-2000)).toBe('completed');
    const final = sse.events.at(-1)?.data as { state: string; modelId: string; history: unknown[] };
    expect(final.state).toBe('completed');
    expect(final.history).toHaveLength(2);
    const { modelId } = final;

    const predicted = await t.app.inject({
      method: 'POST',
      url: `/v1/models/${modelId}/predict`,
      headers: reader,
      payload: { texts: ['Stocks fall as oil prices jump', 'Team wins the championship final'] },
    });
    expect(predicted.statusCode, predicted.body).toBe(200);
    expect(predicted.json().modelId).toBe(modelId);
    for (const p of predicted.json().predictions) {
      expect(AG_NEWS_LABELS).toContain(p.label);
      expect(Object.keys(p.probabilities)).toEqual([...AG_NEWS_LABELS]);
    }
    // With no alias, the default model is the best (here: the only) model.
    const byDefault = await t.app.inject({
      method: 'POST',
      url: '/v1/predict',
      headers: reader,
      payload: { text: 'Stocks fall' },
    });
    expect(byDefault.json().modelId).toBe(modelId);

    const detail = (await t.app.inject({ url: `/v1/models/${modelId}`, headers: reader })).json();
    expect(detail).toMatchObject({
      id: modelId,
      cell: 'bow',
      job: { id, name: 'e2e bow', tags: ['e2e'] },
    });
    expect(detail.test.n).toBe(80);
    expect(detail.test.confusionMatrix.flat().reduce((a: number, b: number) => a + b, 0)).toBe(80);
    expect(detail.training.history).toHaveLength(2);

    const compare = (await t.app.inject({ url: '/v1/compare', headers: reader })).json();
    const bow = compare.cells.find((c: { cell: string }) => c.cell === 'bow');
    expect(bow).toMatchObject({ models: 1, scoredModels: 1, bestModelId: modelId });
    expect(bow.accuracy.best).toBeCloseTo(detail.accuracy, 10);
    expect(compare.bestModelId).toBe(modelId);

    const metrics = (await t.app.inject({ url: '/metrics', headers: reader })).body;
    expect(metrics).toMatch(/newscell_training_duration_seconds_count\{cell="bow"\} 1/);
    expect(metrics).toMatch(
      new RegExp(`newscell_predictions_total\\{model="${modelId}",label="[^"]+"\\} \\d`),
    );
  }, 180_000);

  it('cancels a job mid-run: it ends cancelled and leaves no model', async () => {
    const long = {
      ...small,
      name: 'e2e long',
      model: { cell: 'lstm' },
      training: { epochs: 50, batchSize: 16 },
      data: { trainPerClass: 300, testPerClass: 20 },
    };
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/training-jobs',
      headers: admin,
      payload: long,
    });
    const { id } = created.json();
    const view = async () =>
      (await t.app.inject({ url: `/v1/training-jobs/${id}`, headers: reader })).json();
    await until(async () => {
      const v = await view();
      return v.state === 'active' && v.progress?.phase === 'training';
    }, 90_000);
    const cancel = await t.app.inject({
      method: 'DELETE',
      url: `/v1/training-jobs/${id}`,
      headers: admin,
    });
    expect(cancel.statusCode).toBe(202);
    expect(cancel.json()).toEqual({ id, state: 'cancelling' });
    await until(async () => (await view()).state === 'cancelled', 60_000);
    const models = (await t.app.inject({ url: '/v1/models?cell=lstm', headers: reader })).json();
    expect(models.items).toEqual([]);
    const dirs = (await readdir(t.config.modelsDir)).filter((f) => !f.endsWith('.json'));
    expect(dirs).toHaveLength(1); // the bow model of the first test, nothing of this job
  }, 180_000);
});
