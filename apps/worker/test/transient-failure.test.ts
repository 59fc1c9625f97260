import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainingJobData, TrainingResult } from '@newscell/contracts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openTestQueue, type TestQueue } from './support/test-queue.js';
import { waitFor } from './support/wait-for.js';

const BACKOFF_MS = 1000;

const JOB: TrainingJobData = {
  model: { cell: 'bow', embeddingDim: 8 },
  training: { epochs: 2 },
  data: { trainPerClass: 30, testPerClass: 20 },
  tokenizer: { maxLength: 16 },
};

describe('transient and permanent failures (real Redis, real worker process)', () => {
  let t: TestQueue;

  /**
   * A models folder on a volume that is not mounted (yet): a symlink to a missing directory, so
   * saving fails with ENOENT until the test creates it, as a late network mount would.
   */
  function unmountedModelsDir(name: string) {
    const volume = join(t.dir, `${name}-volume`);
    const link = join(t.dir, name);
    symlinkSync(join(volume, 'models'), link);
    return { link, mount: () => mkdirSync(join(volume, 'models'), { recursive: true }) };
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

  it('a transient failure is retried with exponential backoff; the retry resumes and succeeds', async () => {
    const models = unmountedModelsDir('models-late');
    await t.startWorker({ MODELS_DIR: models.link });
    const retries: { jobId: string; backoffMs: number }[] = [];
    t.events.on('delayed', ({ jobId, delay }, id) => {
      // A stream event id starts with the millisecond it was written: backoff = `delay` − that.
      retries.push({ jobId, backoffMs: Number(delay) - Number(id.split('-')[0]) });
      if (retries.length === 2) models.mount();
    });
    const job = await t.queue.add('train', JOB, {
      attempts: 3,
      backoff: { type: 'exponential', delay: BACKOFF_MS },
    });
    const result = (await job.waitUntilFinished(t.events, 120_000)) as TrainingResult;
    expect(existsSync(join(models.link, result.modelId, 'manifest.json'))).toBe(true);
    const done = await t.queue.getJob(String(job.id));
    expect(done?.attemptsMade).toBe(3);
    const { logs } = await t.queue.getJobLogs(String(job.id));
    expect(logs.filter((l) => l.startsWith('failed: ENOENT'))).toHaveLength(2);
    // The epochs trained by the failed attempts were checkpointed, not thrown away.
    expect(result.resumedFromEpoch).toBe(2);
    // 1 s, then 2 s (with slack for the moment the event is written).
    expect(retries.map((r) => r.jobId)).toEqual([job.id, job.id]);
    const [first = 0, second = 0] = retries.map((r) => r.backoffMs);
    expect(first).toBeGreaterThanOrEqual(BACKOFF_MS - 50);
    expect(first).toBeLessThan(BACKOFF_MS * 1.5);
    expect(second).toBeGreaterThanOrEqual(2 * BACKOFF_MS - 50);
    expect(second).toBeLessThan(2 * BACKOFF_MS * 1.5);
  }, 180_000);

  it('a transient failure that lasts fails the job once the attempts are used up, with the reason', async () => {
    const models = unmountedModelsDir('models-never');
    await t.startWorker({ MODELS_DIR: models.link });
    const job = await t.queue.add('train', JOB, {
      attempts: 2,
      backoff: { type: 'exponential', delay: 200 },
    });
    await expect(job.waitUntilFinished(t.events, 120_000)).rejects.toThrow(/^ENOENT: /);
    expect((await t.queue.getJob(String(job.id)))?.attemptsMade).toBe(2);
    // Failed for good: its checkpoints (both attempts trained and checkpointed epochs) are gone.
    const { logs } = await t.queue.getJobLogs(String(job.id));
    expect(logs.filter((l) => l.startsWith('failed: ENOENT'))).toHaveLength(2);
    expect(existsSync(t.checkpointsOf(String(job.id)))).toBe(false);
  }, 180_000);

  it('a training process killed as by the OOM killer is not retried again: out of memory is permanent', async () => {
    const worker = await t.startWorker();
    const job = await t.queue.add(
      'train',
      { ...JOB, training: { epochs: 200 }, data: { trainPerClass: 200, testPerClass: 20 } },
      { attempts: 3, backoff: { type: 'fixed', delay: 200 } },
    );
    await waitFor(
      'the first checkpoint',
      async () => existsSync(t.checkpointFileOf(job)) || undefined,
    );
    // What the kernel's OOM killer does: SIGKILL the training process, not the worker.
    const [child] = childrenOf(worker.child.pid ?? 0);
    expect(child).toBeTypeOf('number');
    process.kill(child as number, 'SIGKILL');
    await expect(job.waitUntilFinished(t.events, 120_000)).rejects.toThrow(
      /^out of memory: the previous attempt's training process crashed \(Unexpected exit code: null signal: SIGKILL\)/,
    );
    // The crashed attempt and the one that said so: not a third.
    expect((await t.queue.getJob(String(job.id)))?.attemptsMade).toBe(2);
    expect(existsSync(t.checkpointsOf(String(job.id)))).toBe(false);
  }, 180_000);

  it('unreadable data fails at once, naming the file, without retries', async () => {
    await t.startWorker({ NEWSCELL_EMBEDDINGS_DIR: join(t.dir, 'embeddings') });
    const job = await t.queue.add(
      'train',
      { ...JOB, embeddings: { source: 'pretrained', file: 'missing-vectors.txt' } },
      { attempts: 3, backoff: { type: 'exponential', delay: 200 } },
    );
    await expect(job.waitUntilFinished(t.events, 120_000)).rejects.toThrow(
      /^EMBEDDINGS_INVALID: .*missing-vectors\.txt/,
    );
    expect((await t.queue.getJob(String(job.id)))?.attemptsMade).toBe(1);
  }, 120_000);
});

/** Pids of the child processes of `pid` (the sandboxed trainings of a worker), from /proc. */
function childrenOf(pid: number): number[] {
  const pids = readdirSync(`/proc/${pid}/task`).flatMap((task) =>
    readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean),
  );
  return [...new Set(pids.map(Number))];
}
