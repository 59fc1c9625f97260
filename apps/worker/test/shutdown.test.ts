import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainingJobData, TrainingProgress, TrainingResult } from '@newscell/contracts';
import { freePort } from '@newscell/local-redis';
import type { Job } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { recordFaultResult } from './support/fault-mode.js';
import { openTestQueue, privateRedisQueue, type TestQueue } from './support/test-queue.js';
import { waitFor } from './support/wait-for.js';
import { startWorkerProcess } from './support/worker-process.js';

/**
 * Three epochs of a small LSTM (~340 batches each, ~1.4 s here): long enough to stop in the
 * middle of the second (with 600 rows a class an epoch took ~0.6 s once the SIMD step kernels
 * landed, too close to the polling that spots the second epoch).
 */
const JOB: TrainingJobData = {
  model: { cell: 'lstm', embeddingDim: 32, hiddenUnits: 32, bidirectional: false },
  training: { epochs: 3, batchSize: 16, patience: 0 },
  data: { trainPerClass: 1500, testPerClass: 20 },
  tokenizer: { maxLength: 32 },
};

/** A job queued behind the active one: a stopping worker must leave it alone. */
const SMALL_JOB: TrainingJobData = {
  model: { cell: 'bow', embeddingDim: 8 },
  training: { epochs: 1 },
  data: { trainPerClass: 30, testPerClass: 20 },
  tokenizer: { maxLength: 16 },
};

const SHUTDOWN_TIMEOUT_MS = 30_000;

describe('SIGTERM / SIGINT hand-back (real Redis, real worker processes)', () => {
  let t: TestQueue;
  const startWorker = () =>
    t.startWorker({
      WORKER_LOCK_DURATION_MS: '5000',
      WORKER_STALLED_INTERVAL_MS: '2000',
      WORKER_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
    });
  const progressOf = async (job: Job) =>
    ((await t.queue.getJob(String(job.id)))?.progress ?? {}) as Partial<TrainingProgress>;

  /** Stops a worker with `signal` once `job` is some batches into its second epoch. */
  async function stopAfterFirstEpoch(signal: 'SIGTERM' | 'SIGINT') {
    const worker = await startWorker();
    const job = await t.queue.add('train', JOB);
    await waitFor('some batches of the second epoch', async () => {
      const p = await progressOf(job);
      return (p.epoch === 2 && (p.batch ?? 0) >= 1) || undefined;
    });
    const behind = await t.queue.add('train', SMALL_JOB);
    const sentAt = Date.now();
    worker.child.kill(signal);
    const exit = await worker.exited;
    return { worker, job, behind, exit, stoppedInMs: Date.now() - sentAt };
  }

  beforeAll(async () => {
    t = await openTestQueue();
  });
  afterEach(async () => {
    await t.killWorkers();
    // Job ids start again from 1 after this: their checkpoints must go too.
    await t.queue.obliterate({ force: true });
    rmSync(join(t.dir, 'checkpoints'), { recursive: true, force: true });
    rmSync(join(t.dir, 'models'), { recursive: true, force: true });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('SIGTERM: stops at a batch boundary, hands the job back, exits 0; the next worker resumes it', async () => {
    const { worker, job, behind, exit, stoppedInMs } = await stopAfterFirstEpoch('SIGTERM');
    expect(exit, worker.output()).toEqual({ code: 0, signal: null });
    expect(stoppedInMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
    expect(worker.output()).not.toContain('forcing close');

    // Handed back, not failed, not stalled: waiting with its epoch checkpoint on disk.
    expect(await job.getState()).toBe('waiting');
    const handedBack = await t.queue.getJob(String(job.id));
    expect(handedBack?.failedReason ?? null).toBeNull();
    const { logs } = await t.queue.getJobLogs(String(job.id));
    expect(logs).toContain('worker shutting down: job handed back to the queue');
    expect(existsSync(t.checkpointFileOf(job))).toBe(true);
    // It stopped inside the second epoch, at a batch, rather than training the epoch out.
    const stopped = handedBack?.progress as TrainingProgress;
    expect(stopped.history.map((r) => r.epoch)).toEqual([1]);
    expect(stopped.phase).toBe('training');
    // A stopping worker takes nothing new.
    expect(await behind.getState()).toBe('waiting');
    expect((await t.queue.getJob(String(behind.id)))?.processedOn ?? null).toBeNull();
    expect(t.modelIds()).toEqual([]);

    await startWorker();
    const result = (await job.waitUntilFinished(t.events, 180_000)) as TrainingResult;
    expect(result.resumedFromEpoch).toBe(1);
    expect(result.epochs).toBe(3);
    const finished = await t.queue.getJob(String(job.id));
    expect(
      (finished?.progress as TrainingProgress | undefined)?.history.map((r) => r.epoch),
    ).toEqual([1, 2, 3]);
    const after = (await t.queue.getJobLogs(String(job.id))).logs;
    // The stop point itself was checkpointed: the batches of epoch 2 done before SIGTERM are kept.
    const resumedLines = after.filter((l) => l.startsWith('resuming from the checkpoint'));
    expect(resumedLines).toHaveLength(1);
    expect(resumedLines[0]).toMatch(
      /^resuming from the checkpoint after epoch 1 and \d+ batches of epoch 2$/,
    );
    await behind.waitUntilFinished(t.events, 120_000);
    expect(existsSync(t.checkpointsOf(String(job.id)))).toBe(false);
    expect(t.modelIds()).toContain(result.modelId);
  }, 300_000);

  it('SIGINT hands the job back the same way', async () => {
    const { worker, job, exit } = await stopAfterFirstEpoch('SIGINT');
    expect(exit, worker.output()).toEqual({ code: 0, signal: null });
    expect(await job.getState()).toBe('waiting');
    const { logs } = await t.queue.getJobLogs(String(job.id));
    expect(logs).toContain('worker shutting down: job handed back to the queue');
    expect(existsSync(t.checkpointFileOf(job))).toBe(true);
  }, 180_000);

  it('an idle worker stops at once on SIGTERM, exit code 0', async () => {
    const worker = await startWorker();
    worker.child.kill('SIGTERM');
    expect(await worker.exited, worker.output()).toEqual({ code: 0, signal: null });
  }, 60_000);

  it('a worker started while Redis is unreachable exits on SIGTERM within WORKER_SHUTDOWN_TIMEOUT_MS', async () => {
    const timeoutMs = 2000;
    // Nothing listens there: every connection of the worker keeps retrying.
    const worker = startWorkerProcess({
      REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
      NEWSCELL_QUEUE_PREFIX: t.prefix,
      MODELS_DIR: join(t.dir, 'models'),
      CHECKPOINTS_DIR: join(t.dir, 'checkpoints'),
      WORKER_SHUTDOWN_TIMEOUT_MS: String(timeoutMs),
    });
    try {
      await worker.waitForOutput('redis connection error', 30_000);
      const sentAt = Date.now();
      worker.child.kill('SIGTERM');
      const exit = await Promise.race([
        worker.exited,
        new Promise((r) => setTimeout(() => r('still running'), timeoutMs + 15_000)),
      ]);
      expect(exit, worker.output()).toEqual({ code: 0, signal: null });
      expect(Date.now() - sentAt, worker.output()).toBeLessThan(timeoutMs + 3000);
    } finally {
      if (worker.child.exitCode === null && worker.child.signalCode === null)
        worker.child.kill('SIGKILL');
    }
  }, 60_000);

  it('a hand-back that outlasts WORKER_SHUTDOWN_TIMEOUT_MS is cut short; the job is resumed as stalled', async () => {
    const timeoutMs = 1000;
    const worker = await t.startWorker({
      WORKER_LOCK_DURATION_MS: '3000',
      WORKER_STALLED_INTERVAL_MS: '1000',
      WORKER_SHUTDOWN_TIMEOUT_MS: String(timeoutMs),
    });
    const job = await t.queue.add('train', JOB);
    await waitFor(
      "the first epoch's checkpoint",
      async () => existsSync(t.checkpointFileOf(job)) || undefined,
    );
    // A training that answers nothing (stuck in a long computation): stop its process.
    const stuck = childrenOf(worker.child.pid ?? 0);
    expect(stuck).toHaveLength(1);
    for (const pid of stuck) process.kill(pid, 'SIGSTOP');
    try {
      const sentAt = Date.now();
      worker.child.kill('SIGTERM');
      const exit = await Promise.race([
        worker.exited,
        new Promise((r) => setTimeout(() => r('still running'), timeoutMs + 15_000)),
      ]);
      const stoppedInMs = Date.now() - sentAt;
      expect(worker.output()).toContain('forcing close');
      expect(exit, worker.output()).toEqual({ code: 0, signal: null });
      expect(stoppedInMs).toBeLessThan(timeoutMs + 3000);
    } finally {
      for (const pid of stuck) process.kill(pid, 'SIGKILL');
    }
    // Not handed back, not lost: the next worker finds it stalled and resumes it.
    const stalled: string[] = [];
    t.events.on('stalled', ({ jobId }) => stalled.push(jobId));
    await t.startWorker({ WORKER_LOCK_DURATION_MS: '3000', WORKER_STALLED_INTERVAL_MS: '1000' });
    const result = (await job.waitUntilFinished(t.events, 180_000)) as TrainingResult;
    expect(result.resumedFromEpoch).toBeGreaterThanOrEqual(1);
    expect(stalled).toContain(String(job.id));
  }, 240_000);
});

describe('SIGTERM during a Redis outage (a dedicated Redis)', () => {
  const dedicated = privateRedisQueue();

  it('a worker training when Redis goes away exits within WORKER_SHUTDOWN_TIMEOUT_MS; the job is resumed later', async () => {
    const { redis, queue: t } = dedicated;
    const timeoutMs = 3000;
    const worker = await t.startWorker({
      WORKER_LOCK_DURATION_MS: '5000',
      WORKER_STALLED_INTERVAL_MS: '2000',
      WORKER_SHUTDOWN_TIMEOUT_MS: String(timeoutMs),
    });
    const job = await t.queue.add('train', JOB);
    await waitFor(
      "the first epoch's checkpoint",
      async () => existsSync(t.checkpointFileOf(job)) || undefined,
    );
    await redis.stop();
    await worker.waitForOutput('redis connection error', 30_000);
    const sentAt = Date.now();
    worker.child.kill('SIGTERM');
    const exit = await Promise.race([
      worker.exited,
      new Promise((r) => setTimeout(() => r('still running'), timeoutMs + 30_000)),
    ]);
    const stoppedInMs = Date.now() - sentAt;
    recordFaultResult('SIGTERM during a Redis outage', { timeoutMs, stoppedInMs, exit });
    expect(exit, worker.output()).toEqual({ code: 0, signal: null });
    expect(stoppedInMs).toBeLessThan(timeoutMs + 2000);
    // Not lost: once Redis is back, the next worker resumes it from its checkpoint.
    await redis.start();
    await t.startWorker({ WORKER_LOCK_DURATION_MS: '5000', WORKER_STALLED_INTERVAL_MS: '2000' });
    const result = (await job.waitUntilFinished(t.events, 240_000)) as TrainingResult;
    expect(result.resumedFromEpoch).toBeGreaterThanOrEqual(1);
    expect(result.epochs).toBe(3);
  }, 360_000);
});

/** Pids of the child processes of `pid` (the sandboxed trainings of a worker), from /proc. */
function childrenOf(pid: number): number[] {
  const tasks = readdirSync(`/proc/${pid}/task`);
  const pids = tasks.flatMap((task) =>
    readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean),
  );
  return [...new Set(pids.map(Number))];
}
