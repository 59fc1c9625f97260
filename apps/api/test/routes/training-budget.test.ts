import { TRAINING_BUDGET_DEFAULTS } from '@newscell/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { loadApiConfig } from '../../src/config.js';
import { admin, type TestApp, testApp } from '../support/test-app.js';

/** The job of issue 13, accepted (202) and retried before the budget existed. */
const HOSTILE_MODEL = { layers: 4, bidirectional: true, hiddenUnits: 1024, embeddingDim: 1024 };
const HOSTILE_REST = {
  tokenizer: { maxLength: 2048, maxVocabulary: 1_000_000 },
  training: { batchSize: 4096, epochs: 200 },
};

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const post = (app: TestApp, url: string, payload: object) =>
  app.app.inject({ method: 'POST', url, headers: admin, payload });

async function queuedJobs(app: TestApp): Promise<number> {
  return app.queue.count();
}

describe('the training budget', () => {
  it('refuses the hostile job with 400 LIMIT_EXCEEDED naming estimate and limit; nothing is queued', async () => {
    t = await testApp();
    const res = await post(t, '/v1/training-jobs', {
      model: { cell: 'lstm', ...HOSTILE_MODEL },
      ...HOSTILE_REST,
    });
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe('LIMIT_EXCEEDED');
    expect(error.message).toMatch(
      /^training job: estimated 6,148 GiB of training memory exceeds the limit 4 GiB \(NEWSCELL_MAX_JOB_MEMORY_MB=4096\)/,
    );
    expect(await queuedJobs(t)).toBe(0);
  });

  it('accepts every cell’s defaults at the dashboard’s 200 epochs', async () => {
    t = await testApp();
    for (const cell of ['bow', 'rnn', 'lstm', 'gru']) {
      const res = await post(t, '/v1/training-jobs', {
        model: { cell },
        training: { epochs: 200 },
      });
      expect(res.statusCode).toBe(202);
    }
  });

  it('uses the limits of the environment', async () => {
    t = await testApp({ NEWSCELL_MAX_JOB_GFLOP: '1000' });
    const res = await post(t, '/v1/training-jobs', { model: { cell: 'gru' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(
      /estimated 17,\d{3} GFLOP of training compute exceeds the limit 1,000 GFLOP \(NEWSCELL_MAX_JOB_GFLOP\)/,
    );
    expect(await queuedJobs(t)).toBe(0);
  });

  it('refuses a comparison with a child over the budget, naming the child; nothing is queued', async () => {
    t = await testApp();
    const res = await post(t, '/v1/comparisons', {
      cells: ['rnn', 'lstm'],
      seeds: [1, 2],
      model: HOSTILE_MODEL,
      ...HOSTILE_REST,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      message: expect.stringMatching(/^comparison child rnn seed 1: estimated [\d,]+ GiB/),
    });
    expect(await queuedJobs(t)).toBe(0);
  });

  it('refuses a comparison whose children pass alone but not together', async () => {
    t = await testApp({ NEWSCELL_MAX_COMPARISON_GFLOP: '50000' });
    const res = await post(t, '/v1/comparisons', { cells: ['rnn', 'gru'], seeds: [1, 2, 3] });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(
      /^comparison: estimated [\d,]+ GFLOP of training compute over its 6 trainings exceeds the limit 50,000 GFLOP \(NEWSCELL_MAX_COMPARISON_GFLOP\)/,
    );
    expect(await queuedJobs(t)).toBe(0);
    const fewer = await post(t, '/v1/comparisons', { cells: ['rnn', 'gru'], seeds: [1] });
    expect(fewer.statusCode).toBe(202);
  });
});

describe('loadApiConfig: the budget', () => {
  it('defaults, reads and validates NEWSCELL_MAX_JOB_MEMORY_MB / _GFLOP / NEWSCELL_MAX_COMPARISON_GFLOP', () => {
    expect(loadApiConfig({}).budget).toEqual(TRAINING_BUDGET_DEFAULTS);
    expect(loadApiConfig({ NEWSCELL_MAX_JOB_MEMORY_MB: '16384' }).budget.maxJobMemoryMb).toBe(
      16_384,
    );
    expect(() => loadApiConfig({ NEWSCELL_MAX_JOB_MEMORY_MB: '-1' })).toThrow(
      /NEWSCELL_MAX_JOB_MEMORY_MB/,
    );
    expect(() => loadApiConfig({ NEWSCELL_MAX_COMPARISON_GFLOP: 'many' })).toThrow(
      /NEWSCELL_MAX_COMPARISON_GFLOP/,
    );
  });
});
