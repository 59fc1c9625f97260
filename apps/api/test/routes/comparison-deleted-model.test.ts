import { afterEach, describe, expect, it } from 'vitest';
import { resultFor, startWorker, until } from '../support/fake-worker.js';
import { writeFixtureModel } from '../support/model-fixtures.js';
import { admin, reader, type TestApp, testApp } from '../support/test-app.js';

let t: TestApp | undefined;
let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  await t?.close();
  t = undefined;
  stop = undefined;
});

const predictions = {
  numClasses: 4,
  labels: Int32Array.from([0, 1, 2, 3]),
  predicted: Int32Array.from([0, 1, 2, 2]),
  probabilities: new Float32Array(16).fill(0.25),
};

describe('a comparison one of whose models is deleted', () => {
  it('stays readable; its disagreements with that model answer 404 saying so', async () => {
    t = await testApp();
    const app = t;
    // Stands in for the training worker: each child saves a real model and reports it.
    const worker = await startWorker(app.prefix, async (job) => {
      const cell = job.data.model.cell === 'bow' ? 'bow' : 'gru';
      const modelId = `${cell}-job${job.id}`;
      await writeFixtureModel(app.config.modelsDir, {
        id: modelId,
        cell,
        predictions,
        data: { seed: 1, validationFraction: 0.1 },
      });
      return { ...resultFor(modelId), cell };
    });
    stop = worker.close;
    const created = await app.app.inject({
      method: 'POST',
      url: '/v1/comparisons',
      headers: admin,
      payload: { cells: ['bow', 'gru'], seeds: [1], training: { epochs: 1 } },
    });
    expect(created.statusCode).toBe(202);
    const id = created.json().id as string;
    const view = async () =>
      (await app.app.inject({ url: `/v1/comparisons/${id}`, headers: reader })).json();
    await until(async () => (await view()).progress.completed === 2, 20_000);
    const bow = (await view()).children.find((c: { cell: string }) => c.cell === 'bow');
    const removed = await app.app.inject({
      method: 'DELETE',
      url: `/v1/models/${bow.job.modelId}`,
      headers: admin,
    });
    expect(removed.statusCode).toBe(200);

    const after = await app.app.inject({ url: `/v1/comparisons/${id}`, headers: reader });
    expect(after.statusCode).toBe(200);
    expect(after.json().children).toHaveLength(2);
    const page = await app.app.inject({
      url: `/v1/comparisons/${id}/disagreements?a=bow&b=gru&seed=1`,
      headers: reader,
    });
    expect(page.statusCode).toBe(404);
    expect(page.json().error).toMatchObject({
      code: 'MODEL_NOT_FOUND',
      message: `model ${bow.job.modelId} of comparison ${id} was deleted after its training: the comparison and its summary stay, but its disagreements cannot be shown`,
    });
  }, 60_000);
});
