import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPredictor, type Predictor } from '@newscell/models';
// Only to count live tensors: the engine is global, so this sees the models package's tensors.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PredictorCache } from '../../src/models/predictor-cache.js';
import { corruptWeights, TOPIC_TEXTS, writeFixtureModel } from '../support/model-fixtures.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'newscell-api-cache-'));
  for (const id of ['gru-1', 'gru-2', 'bow-1', 'bow-bad']) {
    await writeFixtureModel(dir, { id, cell: id.startsWith('gru') ? 'gru' : 'bow' });
  }
  await corruptWeights(join(dir, 'bow-bad'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function cache(maxModels: number) {
  const loads: string[] = [];
  const evicted: string[] = [];
  const c = new PredictorCache({
    maxModels,
    load: (id) => {
      loads.push(id);
      return loadPredictor(join(dir, id));
    },
    onEvict: (id) => evicted.push(id),
  });
  return { c, loads, evicted };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('PredictorCache', () => {
  it('shares one load among concurrent first requests', async () => {
    const { c, loads } = cache(2);
    const [a, b, d] = await Promise.all([c.get('gru-1'), c.get('gru-1'), c.get('gru-1')]);
    expect(a).toBe(b);
    expect(a).toBe(d);
    expect(loads).toEqual(['gru-1']);
    await c.clear();
  });

  it('disposes the least recently used model beyond the bound: tensors return to the baseline', async () => {
    const baseline = tf.memory().numTensors;
    const { c, loads, evicted } = cache(2);
    const first: Predictor = await c.get('gru-1');
    const withOne = tf.memory().numTensors;
    expect(withOne).toBeGreaterThan(baseline);
    await c.get('bow-1');
    await c.get('gru-1'); // gru-1 now most recent
    await c.get('gru-2'); // evicts bow-1
    await settle();
    expect(evicted).toEqual(['bow-1']);
    expect(c.ids()).toEqual(['gru-2', 'gru-1']);
    expect(first.disposed).toBe(false);
    await c.get('bow-1'); // loaded again, evicts gru-1
    await settle();
    expect(loads).toEqual(['gru-1', 'bow-1', 'gru-2', 'bow-1']);
    expect(first.disposed).toBe(true);
    expect(first.predict.bind(first, ['x'])).toThrow(/disposed/);
    await c.clear();
    await settle();
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('answers a corrupt model with MODEL_CORRUPT each time, and serves the others', async () => {
    const { c, loads } = cache(2);
    await expect(c.get('bow-bad')).rejects.toMatchObject({
      code: 'MODEL_CORRUPT',
      details: { file: 'weights.bin' },
    });
    await expect(c.get('bow-bad')).rejects.toMatchObject({ code: 'MODEL_CORRUPT' });
    expect(loads).toEqual(['bow-bad', 'bow-bad']);
    expect(c.ids()).toEqual([]);
    const ok = await c.get('bow-1');
    expect(ok.predict(TOPIC_TEXTS)).toHaveLength(4);
    await c.clear();
  });

  it('turns a load that throws something else into MODEL_CORRUPT naming the model', async () => {
    const c = new PredictorCache({
      load: async () => {
        throw new TypeError('Cannot read properties of undefined');
      },
    });
    await expect(c.get('gru-x')).rejects.toMatchObject({
      code: 'MODEL_CORRUPT',
      message: 'model gru-x cannot be loaded: Cannot read properties of undefined',
    });
  });
});
