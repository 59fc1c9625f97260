import type { TrainingJobData, TrainingResult } from '@newscell/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FULL_FAULTS, recordFaultResult } from './support/fault-mode.js';
import { openTestQueue, type TestQueue } from './support/test-queue.js';
import { waitFor } from './support/wait-for.js';

/** Twenty with `npm run test:faults`, six in the normal run. */
const JOB_COUNT = FULL_FAULTS ? 20 : 6;

describe('two worker processes on one queue (real Redis)', () => {
  let t: TestQueue;

  beforeAll(async () => {
    t = await openTestQueue();
  });
  afterAll(async () => {
    await t?.close();
  });

  it(`trains every job of a batch exactly once, shared between both workers (${JOB_COUNT} jobs)`, async () => {
    const startedAt = Date.now();
    const workers = await Promise.all([t.startWorker(), t.startWorker()]);
    const completions = new Map<string, number>();
    t.events.on('completed', ({ jobId }) =>
      completions.set(jobId, (completions.get(jobId) ?? 0) + 1),
    );
    const jobs = await t.queue.addBulk(
      Array.from({ length: JOB_COUNT }, (_, i) => ({
        name: 'train',
        data: {
          name: `batch ${i}`,
          model: { cell: 'bow', embeddingDim: 8 },
          training: { epochs: 1, seed: i },
          data: { trainPerClass: 30, testPerClass: 20 },
          tokenizer: { maxLength: 16 },
        } satisfies TrainingJobData,
      })),
    );
    const results = (await Promise.all(
      jobs.map((job) => job.waitUntilFinished(t.events, 180_000)),
    )) as TrainingResult[];
    const ids = jobs.map((job) => String(job.id));
    const modelIds = jobs.map((job) => t.modelIdOf('bow', job)).sort();
    expect(results.map((r) => r.modelId).sort()).toEqual(modelIds);
    expect(t.modelIds().sort()).toEqual(modelIds);

    // Exactly once: one start, one attempt, one training log per job, one completion event.
    const startedBy = workers.map((w) => w.logEntries('training started').map((e) => e.jobId));
    expect(startedBy.flat().sort()).toEqual([...ids].sort());
    for (const w of startedBy) expect(w.length, 'each worker trained some').toBeGreaterThan(0);
    for (const id of ids) {
      const job = await t.queue.getJob(id);
      expect(job?.attemptsMade, `job ${id}`).toBe(1);
      expect(job?.attemptsStarted, `job ${id}`).toBe(1);
      const { logs } = await t.queue.getJobLogs(id);
      expect(
        logs.filter((l) => l.startsWith('data: ')),
        `job ${id}`,
      ).toHaveLength(1);
    }
    // Completion events arrive on their own stream: wait for the last rather than sleep.
    await waitFor('every completion event', async () =>
      completions.size === JOB_COUNT ? true : undefined,
    );
    expect([...completions.values()]).toEqual(Array(JOB_COUNT).fill(1));
    for (const w of workers) expect(w.logEntries('job stalled: will be resumed')).toEqual([]);
    recordFaultResult('2 workers × jobs', {
      jobs: JOB_COUNT,
      perWorker: startedBy.map((w) => w.length),
      completionEvents: [...completions.values()].reduce((a, b) => a + b, 0),
      seconds: (Date.now() - startedAt) / 1000,
    });
  }, 600_000);
});
