import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFixtureModel } from '../support/model-fixtures.js';
import { admin, reader, type TestApp, testAppsClosedAfterEach } from '../support/test-app.js';

const make = testAppsClosedAfterEach();

type Json = Record<string, unknown>;

/**
 * Rewrites one JSON file of a model directory the way a hostile or buggy writer would: the
 * manifest's size and hash are updated too, so the integrity check passes and only the content
 * is wrong.
 */
async function tamper(dir: string, file: string, edit: (json: Json) => void): Promise<void> {
  const path = join(dir, file);
  const json = JSON.parse(await readFile(path, 'utf8')) as Json;
  edit(json);
  const text = JSON.stringify(json);
  await writeFile(path, text);
  if (file === 'manifest.json') return;
  const manifestPath = join(dir, 'manifest.json');
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
  const bytes = Buffer.from(text);
  manifest.files[file] = {
    bytes: bytes.byteLength,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
  await writeFile(manifestPath, JSON.stringify(manifest));
}

/** One good model and three broken ones beside it. */
async function withBrokenModels(): Promise<TestApp> {
  const t = await make();
  const dir = t.config.modelsDir;
  await writeFixtureModel(dir, { id: 'gru-good', cell: 'gru' });
  await tamper(
    await writeFixtureModel(dir, { id: 'gru-undated', cell: 'gru' }),
    'manifest.json',
    (m) => {
      delete m.created;
    },
  );
  await tamper(
    await writeFixtureModel(dir, { id: 'gru-history', cell: 'gru' }),
    'metrics.json',
    (m) => {
      (m.training as Json).history = [{ epoch: 'one', loss: 'low' }];
    },
  );
  await tamper(
    await writeFixtureModel(dir, { id: 'bow-cell', cell: 'bow' }),
    'manifest.json',
    (m) => {
      m.cell = 'transformer';
    },
  );
  return t;
}

describe('a corrupt model directory beside good ones', () => {
  it('is left out of the listing, named in `skipped` with the reason, and logged', async () => {
    const t = await withBrokenModels();
    const res = await t.app.inject({ url: '/v1/models', headers: reader });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.items.map((m: { id: string }) => m.id)).toEqual(['gru-good']);
    const skipped = Object.fromEntries(
      body.skipped.map((s: { id: string; code: string; message: string }) => [s.id, s]),
    );
    expect(Object.keys(skipped).sort()).toEqual(['bow-cell', 'gru-history', 'gru-undated']);
    expect(skipped['gru-undated']).toMatchObject({
      code: 'MODEL_CORRUPT',
      message: expect.stringMatching(/manifest\.json.*created/),
    });
    expect(skipped['gru-history'].message).toMatch(/metrics\.json \/training\/history\/0/);
    expect(skipped['bow-cell'].message).toMatch(/manifest\.json \/cell/);
    expect(t.logs.join('')).toContain('gru-undated');
  });

  it('answers 409 MODEL_CORRUPT naming file and field when asked for by id', async () => {
    const t = await withBrokenModels();
    for (const [id, pattern] of [
      ['gru-undated', /manifest\.json \/: missing required field 'created'/],
      ['gru-history', /metrics\.json \/training\/history\/0.*\/epoch: must be integer/],
    ] as const) {
      const res = await t.app.inject({ url: `/v1/models/${id}`, headers: reader });
      expect(res.statusCode, id).toBe(409);
      expect(res.json().error.code).toBe('MODEL_CORRUPT');
      expect(res.json().error.message).toMatch(pattern);
      const predict = await t.app.inject({
        method: 'POST',
        url: `/v1/models/${id}/predict`,
        headers: reader,
        payload: { text: 'stocks rally' },
      });
      expect(predict.statusCode, id).toBe(409);
    }
  });

  it('leaves compare and the default model to the good ones', async () => {
    const t = await withBrokenModels();
    const compare = await t.app.inject({ url: '/v1/compare', headers: reader });
    expect(compare.statusCode).toBe(200);
    expect(compare.json().bestModelId).toBe('gru-good');
    const predict = await t.app.inject({
      method: 'POST',
      url: '/v1/predict',
      headers: reader,
      payload: { text: 'stocks rally as the central bank holds rates' },
    });
    expect(predict.statusCode).toBe(200);
    expect(predict.json().modelId).toBe('gru-good');
  });

  it('refuses a topology claiming shapes config.json does not have, before allocating them', async () => {
    const t = await make();
    const dir = await writeFixtureModel(t.config.modelsDir, { id: 'gru-huge', cell: 'gru' });
    await writeFixtureModel(t.config.modelsDir, { id: 'gru-fine', cell: 'gru' });
    await tamper(dir, 'model.json', (m) => {
      const layers = (m.modelTopology as Json).config as Json;
      for (const layer of layers.layers as Json[]) {
        const config = layer.config as Json;
        if (layer.class_name === 'Embedding') config.input_dim = 4_000_000_000;
      }
    });
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/models/gru-huge/predict',
      headers: reader,
      payload: { text: 'stocks rally' },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toMatch(
      /model\.json: layer embedding input_dim 4000000000 ≠ config\.json vocabSize \d+/,
    );
    const fine = await t.app.inject({
      method: 'POST',
      url: '/v1/models/gru-fine/predict',
      headers: admin,
      payload: { text: 'stocks rally' },
    });
    expect(fine.statusCode).toBe(200);
  });

  it('refuses a config.json claiming more weights than weights.bin holds, before allocating them', async () => {
    const t = await make();
    const dir = await writeFixtureModel(t.config.modelsDir, { id: 'gru-bigcfg', cell: 'gru' });
    await tamper(dir, 'config.json', (c) => {
      c.vocabSize = 4_000_000;
      c.embeddingDim = 4096;
    });
    await tamper(dir, 'model.json', (m) => {
      const layers = (m.modelTopology as Json).config as Json;
      for (const layer of layers.layers as Json[]) {
        const config = layer.config as Json;
        if (layer.class_name === 'Embedding') {
          config.input_dim = 4_000_000;
          config.output_dim = 4096;
        }
      }
    });
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/models/gru-bigcfg/predict',
      headers: reader,
      payload: { text: 'stocks rally' },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toMatch(
      /weights\.bin holds \d+ weights but config\.json describes \d+/,
    );
  });
});
