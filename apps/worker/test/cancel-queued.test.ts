import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  CANCELLATION_TTL_SECONDS,
  cancellationChannel,
  cancellationKey,
  type TrainingJobData,
  type TrainingProgress,
} from '@newscell/contracts';
import type { Job } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openTestQueue, type TestQueue } from './support/test-queue.js';

const JOB: TrainingJobData = {
  model: { cell: 'bow', embeddingDim: 8 },
  training: { epochs: 2 },
  data: { trainPerClass: 40, testPerClass: 20 },
  tokenizer: { maxLength: 16 },
};

describe('cancel of a queued job (real Redis, real worker processes)', () => {
  let t: TestQueue;

  /** What the API's cancel does: remove a queued job; if a worker took it meanwhile, flag and tell. */
  async function cancelLikeTheApi(job: Job): Promise<'removed' | 'flagged'> {
    if ((await job.getState()) === 'waiting') {
      try {
        await job.remove();
        return 'removed';
      } catch {
        // locked by a worker that took it between the look and the removal
      }
    }
    await t.connection
      .multi()
      .set(cancellationKey(String(job.id), t.prefix), '1', 'EX', CANCELLATION_TTL_SECONDS)
      .publish(cancellationChannel(t.prefix), JSON.stringify({ jobId: job.id }))
      .exec();
    return 'flagged';
  }

  /** The job never trained: no finished epoch, no model, no checkpoint. */
  async function expectNeverTrained(job: Job) {
    const stored = await t.queue.getJob(String(job.id));
    const history = (stored?.progress as Partial<TrainingProgress> | undefined)?.history ?? [];
    expect(history).toEqual([]);
    expect(existsSync(t.checkpointsOf(String(job.id)))).toBe(false);
    const { logs } = await t.queue.getJobLogs(String(job.id));
    expect(logs.some((l) => l.startsWith('saved model'))).toBe(false);
    expect(t.modelIds()).not.toContain(t.modelIdOf('bow', job));
  }

  beforeAll(async () => {
    t = await openTestQueue();
  });
  afterEach(async () => {
    await t.killWorkers();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a removed queued job is never taken: the worker trains only the next one', async () => {
    const removed = await t.queue.add('train', JOB);
    expect(await cancelLikeTheApi(removed)).toBe('removed');
    const worker = await t.startWorker();
    const next = await t.queue.add('train', JOB);
    await next.waitUntilFinished(t.events, 120_000);
    expect(await t.queue.getJob(String(removed.id))).toBeUndefined();
    expect(worker.logEntries('training started').map((e) => e.jobId)).toEqual([next.id]);
    expect(t.modelIds()).toEqual([t.modelIdOf('bow', next)]);
    expect(existsSync(t.checkpointsOf(String(removed.id)))).toBe(false);
  }, 180_000);

  it('removes the checkpoints of jobs that no longer exist (removed, or lost in a Redis reset), and only those', async () => {
    const plant = (jobId: string) => {
      const file = join(t.checkpointsOf(jobId), 'k0', 'checkpoint.json');
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, '{}');
    };
    // A job handed back with its checkpoint, then removed while no worker ran.
    const removed = await t.queue.add('train', JOB, { delay: 600_000 });
    plant(String(removed.id));
    await removed.remove();
    // One still queued (delayed): its checkpoint stays.
    const kept = await t.queue.add('train', JOB, { delay: 600_000 });
    plant(String(kept.id));
    plant('gone-after-reset');
    const worker = await t.startWorker();
    await worker.waitForOutput('removed the checkpoints of jobs that no longer exist');
    expect(existsSync(t.checkpointsOf(String(removed.id)))).toBe(false);
    expect(existsSync(t.checkpointsOf('gone-after-reset'))).toBe(false);
    expect(existsSync(t.checkpointsOf(String(kept.id)))).toBe(true);
    await kept.remove();
  }, 120_000);

  it('a job flagged cancelled while queued is cancelled when a worker takes it, before training', async () => {
    // The API lost the race for `remove()` and flagged the job; nobody heard the message.
    const job = await t.queue.add('train', JOB, { attempts: 3 });
    await t.connection.set(cancellationKey(String(job.id), t.prefix), '1', 'EX', 60);
    await t.connection.publish(cancellationChannel(t.prefix), JSON.stringify({ jobId: job.id }));
    await t.startWorker();
    await expect(job.waitUntilFinished(t.events, 60_000)).rejects.toThrow(/^JOB_CANCELLED/);
    expect((await t.queue.getJob(String(job.id)))?.attemptsMade).toBe(1);
    await expectNeverTrained(job);
  }, 120_000);

  it('cancel racing a worker picking the job up: removed or cancelled, never trained', async () => {
    const worker = await t.startWorker();
    const modelsBefore = t.modelIds();
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) {
      const job = await t.queue.add('train', JOB, { attempts: 3 });
      // Let the worker reach for it on some rounds, so both sides of the race are taken.
      if (i % 2 === 1) await new Promise((r) => setTimeout(r, 5 * i));
      const how = await cancelLikeTheApi(job);
      outcomes.push(how);
      if (how === 'flagged') {
        await expect(job.waitUntilFinished(t.events, 60_000)).rejects.toThrow(/^JOB_CANCELLED/);
        await expectNeverTrained(job);
      } else {
        expect(await t.queue.getJob(String(job.id))).toBeUndefined();
      }
    }
    // Whatever the interleaving, nothing was saved and the worker is ready for more.
    expect(t.modelIds()).toEqual(modelsBefore);
    expect(worker.child.exitCode).toBeNull();
    const after = await t.queue.add('train', JOB);
    await after.waitUntilFinished(t.events, 120_000);
    expect(t.modelIds()).toEqual([...modelsBefore, t.modelIdOf('bow', after)].sort());
    console.info(`cancel race outcomes: ${outcomes.join(', ')}`);
  }, 240_000);
});
