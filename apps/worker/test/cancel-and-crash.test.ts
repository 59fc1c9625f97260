import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  cancellationChannel,
  cancellationKey,
  type TrainingJobData,
  type TrainingProgress,
  type TrainingResult,
} from '@newscell/contracts';
import { loadClassifier } from '@newscell/models';
import type { Job } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openTestQueue, type TestQueue } from './support/test-queue.js';

/** A job long enough to interrupt: several epochs of a plain RNN on 1,600 rows. */
const SLOW_JOB: TrainingJobData = {
  model: { cell: 'rnn', embeddingDim: 16, hiddenUnits: 16, bidirectional: false },
  training: { epochs: 4, batchSize: 16, patience: 0 },
  data: { trainPerClass: 400, testPerClass: 50 },
  tokenizer: { maxLength: 32 },
};

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

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
    expect(existsSync(join(t.dir, 'checkpoints', String(job.id)))).toBe(false);
    expect(existsSync(join(t.dir, 'models')) ? readdirSync(join(t.dir, 'models')) : []).toEqual([]);
  }, 120_000);

  it('resumes a job from its checkpoint after its worker is SIGKILLed, without redoing epochs', async () => {
    const first = await startWorker();
    const job = await t.queue.add('train', SLOW_JOB);
    await waitFor(
      'the first epoch to finish',
      async () => ((await progressOf(job)).history?.length ?? 0) >= 1 || undefined,
    );
    first.child.kill('SIGKILL');
    await first.exited;
    await startWorker();
    const result = (await job.waitUntilFinished(t.events, 120_000)) as TrainingResult;
    expect(result.resumedFromEpoch).toBeGreaterThanOrEqual(1);
    const finished = await t.queue.getJob(String(job.id));
    const progress = finished?.progress as TrainingProgress | undefined;
    const history = progress?.history.map((r) => r.epoch);
    expect(history).toEqual([1, 2, 3, 4]);
    const { logs } = await t.queue.getJobLogs(String(job.id));
    expect(
      logs.filter((l) => l.startsWith('resuming from the checkpoint after epoch')),
    ).toHaveLength(1);
    const loaded = await loadClassifier(join(t.dir, 'models', result.modelId));
    loaded.classifier.model.dispose();
    expect(existsSync(join(t.dir, 'checkpoints', String(job.id)))).toBe(false);
  }, 240_000);
});
