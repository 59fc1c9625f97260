import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainingJobData, TrainingProgress, TrainingResult } from '@newscell/contracts';
import { describe, expect, it } from 'vitest';
import { FULL_FAULTS, recordFaultResult } from './support/fault-mode.js';
import { privateRedisQueue } from './support/test-queue.js';
import { waitFor } from './support/wait-for.js';

/**
 * A small rnn on 800 rows: ~0.12 s an epoch here since the SIMD step kernels (20 epochs took
 * 2.4 s), so the epoch counts below are what keeps training going through each outage.
 */
const JOB: TrainingJobData = {
  model: { cell: 'rnn', embeddingDim: 16, hiddenUnits: 16, bidirectional: false },
  training: { epochs: 40, batchSize: 16, patience: 0 },
  data: { trainPerClass: 200, testPerClass: 20 },
  tokenizer: { maxLength: 24 },
};

describe('Redis restarted during a job (a dedicated Redis, append-only file on)', () => {
  const dedicated = privateRedisQueue();

  it('the job survives the restart and completes; the worker stays up', async () => {
    const { redis, queue: t } = dedicated;
    const worker = await t.startWorker({
      WORKER_LOCK_DURATION_MS: '15000',
      WORKER_STALLED_INTERVAL_MS: '5000',
    });
    const job = await t.queue.add('train', JOB);
    const progressOf = async () =>
      ((await t.queue.getJob(String(job.id)))?.progress ?? {}) as Partial<TrainingProgress>;
    await waitFor(
      'training to start',
      async () => ((await progressOf()).batch ?? 0) > 0 || undefined,
    );

    // SIGTERM: Redis writes its append-only file out before exiting, as on a clean restart.
    await redis.stop();
    await worker.waitForOutput('redis connection error', 30_000);
    // Stay away for a few seconds of training, so batches and progress updates hit the outage.
    await new Promise((r) => setTimeout(r, 3000));
    await redis.start();

    await waitFor(
      'the job to complete after the restart',
      async () => ((await job.getState()) === 'completed' ? true : undefined),
      180_000,
    );
    const done = await t.queue.getJob(String(job.id));
    const result = done?.returnvalue as TrainingResult;
    expect(result.epochs).toBe(40);
    expect(t.modelIds()).toEqual([result.modelId]);
    expect((done?.progress as TrainingProgress | undefined)?.history.map((r) => r.epoch)).toEqual(
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
    expect(done?.attemptsMade).toBe(1);
    expect(worker.child.exitCode).toBeNull();
    expect(worker.child.signalCode).toBeNull();

    // And it still takes work.
    const next = await t.queue.add('train', {
      model: { cell: 'bow', embeddingDim: 8 },
      training: { epochs: 1 },
      data: { trainPerClass: 30, testPerClass: 20 },
      tokenizer: { maxLength: 16 },
    });
    await waitFor(
      'the next job to complete',
      async () => ((await next.getState()) === 'completed' ? true : undefined),
      120_000,
    );
  }, 300_000);
});

describe('Redis away for longer than the lock (a dedicated Redis)', () => {
  const dedicated = privateRedisQueue();

  it('the lost job stops training at once and is resumed from its checkpoint, not trained twice', async () => {
    const { redis, queue: t } = dedicated;
    const worker = await t.startWorker({
      WORKER_LOCK_DURATION_MS: '2000',
      WORKER_STALLED_INTERVAL_MS: '1000',
    });
    // Long enough to be still training well after Redis is back (a job that finished while Redis
    // was away would be trained again: its completion is refused for want of the lock): ~14 s.
    const job = await t.queue.add('train', {
      ...JOB,
      training: { ...JOB.training, epochs: 120 },
    });
    const checkpoint = t.checkpointFileOf(job);
    await waitFor('the first checkpoint', async () => existsSync(checkpoint) || undefined);

    await redis.stop();
    // The lock (2 s) expires while Redis is down: the job is no longer this worker's.
    await new Promise((r) => setTimeout(r, 3500));
    await redis.start();

    await waitFor(
      'the job to complete after the restart',
      async () => ((await job.getState()) === 'completed' ? true : undefined),
      180_000,
    );
    const { logs } = await t.queue.getJobLogs(String(job.id));
    const log = logs.join('\n');
    expect(
      logs.filter((l) => l.startsWith('saved model')),
      log,
    ).toHaveLength(1);
    expect(
      logs.filter((l) => l.startsWith('resuming from the checkpoint')),
      log,
    ).toHaveLength(1);
    expect(
      logs.filter((l) => l.startsWith('lock lost')),
      log,
    ).toHaveLength(1);
    const result = (await t.queue.getJob(String(job.id)))?.returnvalue as TrainingResult;
    expect(result.resumedFromEpoch).toBeGreaterThanOrEqual(1);
    expect(worker.child.exitCode).toBeNull();
  }, 300_000);
});

describe('Redis SIGKILLed mid-job and restarted (a dedicated Redis, append-only file fsynced each second)', () => {
  const dedicated = privateRedisQueue();

  it('the job completes once; the worker stays up', async () => {
    const { redis, queue: t } = dedicated;
    const worker = await t.startWorker({
      WORKER_LOCK_DURATION_MS: '15000',
      WORKER_STALLED_INTERVAL_MS: '5000',
    });
    const completions: string[] = [];
    t.events.on('completed', ({ jobId }) => completions.push(jobId));
    // Long enough to train on after the outage (`npm run test:faults` keeps Redis away longer).
    const outageMs = FULL_FAULTS ? 5000 : 2000;
    const job = await t.queue.add('train', { ...JOB, training: { ...JOB.training, epochs: 80 } });
    await waitFor(
      'the first checkpoint',
      async () => existsSync(t.checkpointFileOf(job)) || undefined,
    );
    // No clean shutdown: whatever Redis had not yet written to its append-only file is lost.
    const pid = Number(readFileSync(join(redis.dataDir, `redis-${redis.port}.pid`), 'utf8').trim());
    const killedAt = Date.now();
    process.kill(pid, 'SIGKILL');
    await redis.stop(); // forgets the killed server
    await new Promise((r) => setTimeout(r, outageMs));
    await redis.start();

    await waitFor(
      'the job to complete after the restart',
      async () => ((await job.getState()) === 'completed' ? true : undefined),
      240_000,
    );
    const done = await t.queue.getJob(String(job.id));
    const result = done?.returnvalue as TrainingResult;
    const { logs } = await t.queue.getJobLogs(String(job.id));
    recordFaultResult('Redis SIGKILL and restart mid-job', {
      outageMs,
      secondsFromKillToCompletion: ((done?.finishedOn ?? 0) - killedAt) / 1000,
      attemptsMade: done?.attemptsMade,
      resumedFromEpoch: result.resumedFromEpoch,
      savedModelLines: logs.filter((l) => l.startsWith('saved model')).length,
    });
    expect(result.epochs).toBe(80);
    expect(readdirSync(join(t.dir, 'models'))).toEqual([result.modelId]);
    expect(
      logs.filter((l) => l.startsWith('saved model')),
      logs.join('\n'),
    ).toHaveLength(1);
    expect(done?.attemptsMade).toBe(1);
    await waitFor('the completed event', async () => (completions.length > 0 ? true : undefined));
    expect(completions).toEqual([String(job.id)]);
    expect(worker.child.exitCode).toBeNull();
    expect(worker.child.signalCode).toBeNull();
  }, 360_000);
});
