import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AG_NEWS_LABELS } from '@newscell/contracts';
import { loadPredictor } from '@newscell/models';
import { describe, expect, it } from 'vitest';
import { corruptWeights, TOPIC_TEXTS, writeFixtureModel } from '../support/model-fixtures.js';
import { admin, reader, type TestApp, testAppsClosedAfterEach } from '../support/test-app.js';

const make = testAppsClosedAfterEach();

async function withModels(env: NodeJS.ProcessEnv = {}): Promise<TestApp> {
  const t = await make(env);
  await writeFixtureModel(t.config.modelsDir, {
    id: 'bow-a',
    cell: 'bow',
    metrics: {
      accuracy: 0.8,
      macroF1: 0.8,
      trainingSeconds: 1,
      samplesPerSecond: 1,
      parameterCount: 1,
      msPerTextBatch1: 1,
      msPerTextBatch64: 1,
    },
  });
  await writeFixtureModel(t.config.modelsDir, {
    id: 'gru-a',
    cell: 'gru',
    metrics: {
      accuracy: 0.9,
      macroF1: 0.9,
      trainingSeconds: 1,
      samplesPerSecond: 1,
      parameterCount: 1,
      msPerTextBatch1: 1,
      msPerTextBatch64: 1,
    },
  });
  return t;
}

const predict = (
  t: TestApp,
  url: string,
  payload: unknown,
  headers: Record<string, string> = reader,
) => t.app.inject({ method: 'POST', url, headers, payload: payload as object });

async function scrape(t: TestApp): Promise<string> {
  return (await t.app.inject({ url: '/metrics', headers: reader })).body;
}

function metricValue(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

describe('POST /v1/models/:id/predict', () => {
  it('answers label, index and every class probability, exactly as the model in-process', async () => {
    const t = await withModels();
    const res = await predict(t, '/v1/models/bow-a/predict', { texts: TOPIC_TEXTS });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.modelId).toBe('bow-a');
    const direct = await loadPredictor(join(t.config.modelsDir, 'bow-a'));
    const expected = direct.predict(TOPIC_TEXTS);
    direct.dispose();
    expect(body.predictions).toHaveLength(4);
    body.predictions.forEach(
      (
        p: { label: string; labelIndex: number; probabilities: Record<string, number> },
        i: number,
      ) => {
        expect(p.label).toBe(expected[i]?.label);
        expect(p.labelIndex).toBe(
          AG_NEWS_LABELS.indexOf(p.label as (typeof AG_NEWS_LABELS)[number]),
        );
        expect(Object.keys(p.probabilities)).toEqual([...AG_NEWS_LABELS]);
        for (const label of AG_NEWS_LABELS)
          expect(p.probabilities[label]).toBeCloseTo(
            expected[i]?.probabilities[label] as number,
            6,
          );
        expect(Object.values(p.probabilities).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      },
    );
    // The tiny model did learn its topics: each text's own class wins.
    expect(body.predictions.map((p: { labelIndex: number }) => p.labelIndex)).toEqual([0, 1, 2, 3]);

    const one = await predict(t, '/v1/models/bow-a/predict', { text: TOPIC_TEXTS[1] });
    expect(one.json().predictions).toEqual([body.predictions[1]]);
    const metrics = await scrape(t);
    expect(metricValue(metrics, 'newscell_predictions_total{model="bow-a",label="Sports"}')).toBe(
      2,
    );
  });

  it('rejects bad JSON, wrong types, unknown fields, empty and mixed bodies', async () => {
    const t = await withModels();
    const badJson = await t.app.inject({
      method: 'POST',
      url: '/v1/models/bow-a/predict',
      headers: { ...reader, 'content-type': 'application/json' },
      payload: '{"text": "unterminated',
    });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json().error.code).toBe('INVALID_ARGUMENT');
    for (const [payload, pattern] of [
      [{ text: 5 }, /^body \/text: must be string \(got 5\)$/],
      [{ texts: 'one' }, /body \/texts: must be array/],
      [{ texts: ['ok', 7] }, /body \/texts\/1: must be string/],
      [{ text: 'a', colour: 'red' }, /^body \/colour: unknown field 'colour' \(got "red"\)$/],
      [{ text: 'a', texts: ['b'] }, /^body \/: must have only one of 'text' or 'texts' \(got/],
      [{ texts: [] }, /body \/texts/],
      [{ text: '' }, /body \/text/],
      [{}, /^body \/: must have 'text' or 'texts' \(got \{\}\)$/],
    ] as const) {
      const res = await predict(t, '/v1/models/bow-a/predict', payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.code).toBe('INVALID_ARGUMENT');
      expect(res.json().error.message, JSON.stringify(payload)).toMatch(pattern);
    }
    const text = await t.app.inject({
      method: 'POST',
      url: '/v1/models/bow-a/predict',
      headers: { ...reader, 'content-type': 'text/plain' },
      payload: 'just text',
    });
    expect(text.statusCode).toBe(400);
    expect(text.json().error.message).toMatch(/^body \/: /);
  });

  it('enforces texts per request, characters per text and body size, naming the limit', async () => {
    const t = await withModels({
      NEWSCELL_MAX_TEXTS: '3',
      NEWSCELL_MAX_TEXT_CHARS: '40',
      NEWSCELL_BODY_LIMIT_BYTES: '2048',
    });
    const many = await predict(t, '/v1/models/bow-a/predict', { texts: ['a', 'b', 'c', 'd'] });
    expect(many.statusCode).toBe(400);
    expect(many.json().error).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      details: { limit: 3, count: 4 },
    });
    expect(many.json().error.message).toContain('NEWSCELL_MAX_TEXTS');
    const long = await predict(t, '/v1/predict', { texts: ['ok', 'x'.repeat(41)] });
    expect(long.statusCode).toBe(400);
    expect(long.json().error).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      details: { limit: 40, index: 1, length: 41 },
    });
    expect(long.json().error.message).toContain('NEWSCELL_MAX_TEXT_CHARS');
    const huge = await predict(t, '/v1/models/bow-a/predict', { text: 'y'.repeat(3000) });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(huge.json().error.message).toContain('2048 bytes (NEWSCELL_BODY_LIMIT_BYTES)');
  });

  it('needs a read or admin key', async () => {
    const t = await withModels();
    const none = await predict(t, '/v1/models/bow-a/predict', { text: 'a' }, {});
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('UNAUTHORIZED');
    const wrong = await predict(
      t,
      '/v1/models/bow-a/predict',
      { text: 'a' },
      { 'x-api-key': 'not-a-key-0123456789' },
    );
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.message).toBe('The API key is not valid');
    expect((await predict(t, '/v1/models/bow-a/predict', { text: 'a' }, admin)).statusCode).toBe(
      200,
    );
  });

  it('answers 404 for an unknown model and 400 for an id outside the pattern', async () => {
    const t = await withModels();
    const missing = await predict(t, '/v1/models/lstm-none/predict', { text: 'a' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('MODEL_NOT_FOUND');
    for (const id of ['..%2Fbow-a', '.bow-a', 'bow-a%00']) {
      const res = await predict(t, `/v1/models/${id}/predict`, { text: 'a' });
      expect(res.statusCode, id).toBe(400);
    }
  });

  it('answers 409 naming the file for a corrupt model, and keeps serving the others', async () => {
    const t = await withModels();
    await corruptWeights(join(t.config.modelsDir, 'gru-a'));
    const res = await predict(t, '/v1/models/gru-a/predict', { text: 'a' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({
      code: 'MODEL_CORRUPT',
      details: { file: 'weights.bin' },
    });
    expect(res.json().error.message).toContain('sha256');
    expect((await predict(t, '/v1/models/gru-a/predict', { text: 'a' })).statusCode).toBe(409);
    expect((await predict(t, '/v1/models/bow-a/predict', { text: 'a' })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });

  it('merges concurrent requests into fewer model calls, each answer as if alone', async () => {
    const t = await withModels({ NEWSCELL_BATCH_WINDOW_MS: '25' });
    const texts = Array.from({ length: 12 }, (_, i) => `${TOPIC_TEXTS[i % 4]} ${i}`);
    const alone: { predictions: { label: string; probabilities: Record<string, number> }[] }[] = [];
    for (const text of texts)
      alone.push((await predict(t, '/v1/models/gru-a/predict', { text })).json());
    const before = await scrape(t);
    const together = await Promise.all(
      texts.map((text) => predict(t, '/v1/models/gru-a/predict', { text })),
    );
    const after = await scrape(t);
    const calls =
      metricValue(after, 'newscell_prediction_batch_size_count') -
      metricValue(before, 'newscell_prediction_batch_size_count');
    const sent =
      metricValue(after, 'newscell_prediction_batch_size_sum') -
      metricValue(before, 'newscell_prediction_batch_size_sum');
    expect(sent).toBe(12);
    expect(calls).toBeLessThanOrEqual(3);
    together.forEach((res, i) => {
      expect(res.statusCode).toBe(200);
      const got = res.json().predictions[0];
      const want = alone[i]?.predictions[0];
      expect(got.label).toBe(want?.label);
      for (const label of AG_NEWS_LABELS)
        expect(got.probabilities[label]).toBeCloseTo(want?.probabilities[label] as number, 5);
    });
  });
});

describe('a model removed on disk by someone else', () => {
  it('answers 404 once NEWSCELL_REGISTRY_RECHECK_MS has passed; removed through the API, at once', async () => {
    const t = await withModels({ NEWSCELL_REGISTRY_RECHECK_MS: '300' });
    expect((await predict(t, '/v1/models/bow-a/predict', { text: 'a' })).statusCode).toBe(200);
    await rm(join(t.config.modelsDir, 'bow-a'), { recursive: true });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await predict(t, '/v1/models/bow-a/predict', { text: 'a' })).statusCode).toBe(404);

    expect((await predict(t, '/v1/models/gru-a/predict', { text: 'a' })).statusCode).toBe(200);
    const del = await t.app.inject({ method: 'DELETE', url: '/v1/models/gru-a', headers: admin });
    expect(del.statusCode).toBe(200);
    expect((await predict(t, '/v1/models/gru-a/predict', { text: 'a' })).statusCode).toBe(404);
    expect(t.app.predictors.ids()).toEqual([]);
  });
});

describe('a model replaced on disk under the same id', () => {
  it('is reloaded: answers come from the new model', async () => {
    const t = await withModels({ NEWSCELL_REGISTRY_RECHECK_MS: '0' });
    const before = (await predict(t, '/v1/models/gru-a/predict', { texts: TOPIC_TEXTS })).json();
    await writeFixtureModel(t.config.modelsDir, {
      id: 'gru-a',
      cell: 'bow',
      created: new Date(Date.UTC(2030, 0, 1)),
      overwrite: true,
    });
    const after = (await predict(t, '/v1/models/gru-a/predict', { texts: TOPIC_TEXTS })).json();
    const direct = await loadPredictor(join(t.config.modelsDir, 'gru-a'));
    const expected = direct.predict(TOPIC_TEXTS);
    direct.dispose();
    expect(direct.config.cell).toBe('bow');
    expect(after.predictions[0].probabilities.World).toBeCloseTo(
      expected[0]?.probabilities.World as number,
      6,
    );
    expect(after.predictions[0].probabilities.World).not.toBeCloseTo(
      before.predictions[0].probabilities.World,
      6,
    );
  });
});

describe('POST /v1/predict', () => {
  it('answers 404 with what to do when the registry has no model', async () => {
    const t = await make();
    const res = await predict(t, '/v1/predict', { text: 'a' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('MODEL_NOT_FOUND');
    expect(res.json().error.message).toMatch(
      /no default model.*POST \/v1\/training-jobs.*PUT \/v1\/aliases\/default/,
    );
  });

  it('uses the best model by test accuracy, or alias default when set', async () => {
    const t = await withModels();
    expect((await predict(t, '/v1/predict', { text: 'a' })).json().modelId).toBe('gru-a');
    await t.app.inject({
      method: 'PUT',
      url: '/v1/aliases/default',
      headers: admin,
      payload: { modelId: 'bow-a' },
    });
    const res = await predict(t, '/v1/predict', { texts: TOPIC_TEXTS });
    expect(res.json().modelId).toBe('bow-a');
    const direct = await predict(t, '/v1/models/bow-a/predict', { texts: TOPIC_TEXTS });
    expect(res.json().predictions).toEqual(direct.json().predictions);
  });

  it('answers 404 naming the alias when default points at a model that is gone', async () => {
    const t = await withModels({ NEWSCELL_REGISTRY_RECHECK_MS: '0' });
    await t.app.inject({
      method: 'PUT',
      url: '/v1/aliases/default',
      headers: admin,
      payload: { modelId: 'bow-a' },
    });
    await rm(join(t.config.modelsDir, 'bow-a'), { recursive: true });
    const res = await predict(t, '/v1/predict', { text: 'a' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatchObject({
      code: 'MODEL_NOT_FOUND',
      details: { alias: 'default', modelId: 'bow-a' },
    });
  });
});
