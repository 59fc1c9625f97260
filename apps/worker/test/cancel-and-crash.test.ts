import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  AG_NEWS_LABELS,
  cancellationChannel,
  cancellationKey,
  type TrainingJobData,
  type TrainingProgress,
  type TrainingResult,
} from '@newscell/contracts';
import { agNewsDirForTests, loadAgNews } from '@newscell/dataset';
import { loadPredictor } from '@newscell/models';
import type { Job } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openTestQueue, type TestQueue } from './support/test-queue.js';
import { waitFor } from './support/wait-for.js';

/**
 * A job long enough to interrupt: twelve epochs of a plain RNN on 800 rows, ~1.5 s of training
 * here (three epochs took ~0.4 s once the SIMD step kernels landed: too short to stop in time).
 */
const EPOCHS = 12;
const SLOW_JOB: TrainingJobData = {
  model: { cell: 'rnn', embeddingDim: 16, hiddenUnits: 16, bidirectional: false },
  training: { epochs: EPOCHS, batchSize: 16, patience: 0 },
  data: { trainPerClass: 200, testPerClass: 30 },
  tokenizer: { maxLength: 24 },
};

describe('cancel and crash (real Redis, real worker processes)', () => {
  let t: TestQueue;
  const startWorker = () =>
    t.startWorker({ WORKER_LOCK_DURATION_MS: '3000', WORKER_STALLED_INTERVAL_MS: '2000' });
  const progressOf = async (job: Job) =>
    ((await t.queue.getJob(String(job.id)))?.progress ?? {}) as Partial<TrainingProgress>;

  beforeAll(async () => {
    t = await openTestQueue();
  });
  afterEach(async () => {
    await t.killWorkers();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('cancels an active job from another process: cancelled, not retried, nothing left behind', async () => {
    await startWorker();
    const job = await t.queue.add('train', SLOW_JOB, { attempts: 3 });
    await waitFor(
      'training to start',
      async () => ((await progressOf(job)).batch ?? 0) > 0 || undefined,
    );
    await t.connection.set(cancellationKey(String(job.id), t.prefix), '1', 'EX', 60);
    await t.connection.publish(cancellationChannel(t.prefix), JSON.stringify({ jobId: job.id }));
    await expect(job.waitUntilFinished(t.events, 60_000)).rejects.toThrow(/^JOB_CANCELLED/);
    const failed = await t.queue.getJob(String(job.id));
    expect(failed?.attemptsMade).toBe(1);
    expect(existsSync(t.checkpointsOf(String(job.id)))).toBe(false);
    expect(existsSync(join(t.dir, 'models')) ? readdirSync(join(t.dir, 'models')) : []).toEqual([]);
  }, 120_000);

  it('resumes a job from its checkpoint after its worker is SIGKILLed, without redoing epochs', async () => {
    const first = await startWorker();
    const stalled: string[] = [];
    t.events.on('stalled', ({ jobId }) => stalled.push(jobId));
    const job = await t.queue.add('train', SLOW_JOB);
    // The checkpoint on disk, not the progress: the epoch is reported before it is written.
    await waitFor(
      "the first epoch's checkpoint",
      async () => existsSync(t.checkpointFileOf(job)) || undefined,
    );
    first.child.kill('SIGKILL');
    await first.exited;
    await startWorker();
    const result = (await job.waitUntilFinished(t.events, 120_000)) as TrainingResult;
    const jobLog = (await t.queue.getJobLogs(String(job.id))).logs.join('\n');
    expect(result.resumedFromEpoch, jobLog).toBeGreaterThanOrEqual(1);
    const finished = await t.queue.getJob(String(job.id));
    const progress = finished?.progress as TrainingProgress | undefined;
    const history = progress?.history.map((r) => r.epoch);
    expect(history).toEqual(Array.from({ length: EPOCHS }, (_, i) => i + 1));
    const { logs } = await t.queue.getJobLogs(String(job.id));
    expect(
      logs.filter((l) => l.startsWith('resuming from the checkpoint after epoch')),
    ).toHaveLength(1);
    // It came back through the stalled check (the same event the lock-renewal test must not see).
    expect(stalled).toContain(String(job.id));
    expect(existsSync(t.checkpointsOf(String(job.id)))).toBe(false);

    // The resumed model is whole: it loads, classifies, and scores on the test rows what the job
    // reported (the weights saved are the ones evaluated).
    const predictor = await loadPredictor(join(t.dir, 'models', result.modelId));
    try {
      const { test } = await loadAgNews({
        dir: await agNewsDirForTests(),
        validationFraction: 0.1,
        seed: 42,
        trainLimit: { perClass: SLOW_JOB.data?.trainPerClass ?? 0 },
        testLimit: { perClass: SLOW_JOB.data?.testPerClass ?? 0 },
      });
      const predictions = predictor.predict(test.map((e) => e.text));
      expect(predictions).toHaveLength(test.length);
      for (const p of predictions.slice(0, 5)) {
        expect(Object.keys(p.probabilities).sort()).toEqual([...AG_NEWS_LABELS].sort());
        expect(Object.values(p.probabilities).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
        expect(p.label).toBe(AG_NEWS_LABELS[p.labelIndex]);
      }
      const correct = predictions.filter((p, i) => p.labelIndex === test[i]?.label).length;
      expect(correct / test.length).toBeCloseTo(result.accuracy, 6);
    } finally {
      predictor.dispose();
    }
  }, 240_000);
});
