import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TrainingJobData, TrainingResult } from '@newscell/contracts';
import { loadClassifier } from '@newscell/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestQueue, type TestQueue } from './support/test-queue.js';

describe('training jobs end to end (real Redis, real worker process, real AG News subset)', () => {
  let t: TestQueue;

  beforeAll(async () => {
    t = await openTestQueue();
    await t.startWorker();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('trains a small model, reports progress with a history, and saves a model that loads', async () => {
    const job = await t.queue.add('train', {
      name: 'tiny bow',
      model: { cell: 'bow', embeddingDim: 16 },
      training: { epochs: 2, batchSize: 32 },
      data: { trainPerClass: 100, testPerClass: 50 },
    });
    const result = (await job.waitUntilFinished(t.events, 120_000)) as TrainingResult;
    expect(result).toMatchObject({ cell: 'bow', epochs: 2, resumedFromEpoch: 0 });
    expect(result.accuracy).toBeGreaterThan(0.25);
    const done = await t.queue.getJob(String(job.id));
    const progress = done?.progress as { phase: string; history: unknown[] };
    expect(progress.phase).toBe('saving');
    expect(progress.history).toHaveLength(2);
    const { logs } = await t.queue.getJobLogs(String(job.id));
    expect(logs.join('\n')).toMatch(/vocabulary: \d+ tokens/);
    const loaded = await loadClassifier(join(t.dir, 'models', result.modelId));
    expect(loaded.manifest.id).toBe(result.modelId);
    loaded.classifier.model.dispose();
  }, 180_000);

  it('fails an invalid job at once, without retries, naming the field', async () => {
    const job = await t.queue.add(
      'train',
      { model: { cell: 'transformer' } } as unknown as TrainingJobData,
      {
        attempts: 3,
      },
    );
    await expect(job.waitUntilFinished(t.events, 60_000)).rejects.toThrow(
      /job data \/model\/cell: must be one of/,
    );
    const failed = await t.queue.getJob(String(job.id));
    expect(failed?.attemptsMade).toBe(1);
  }, 90_000);

  it('fails a job over the cost budget at once, without retries, naming estimate and limit', async () => {
    // Queued past the API (or under other limits): the worker checks again.
    const job = await t.queue.add(
      'train',
      {
        model: { cell: 'lstm', layers: 4, hiddenUnits: 1024, embeddingDim: 1024 },
        tokenizer: { maxLength: 2048, maxVocabulary: 1_000_000 },
        training: { batchSize: 4096, epochs: 200 },
      },
      { attempts: 3 },
    );
    await expect(job.waitUntilFinished(t.events, 60_000)).rejects.toThrow(
      /LIMIT_EXCEEDED: training job: estimated [\d,]+ GiB of training memory exceeds the limit 4 GiB \(NEWSCELL_MAX_JOB_MEMORY_MB=4096\)/,
    );
    const failed = await t.queue.getJob(String(job.id));
    expect(failed?.attemptsMade).toBe(1);
  }, 90_000);

  it('fails a job whose custom id would lead out of its folders, at once, touching nothing', async () => {
    // CHECKPOINTS_DIR/.. is the test's whole folder: a failed checkpoint read used to remove it.
    const sentinel = join(t.dir, 'keep-me');
    writeFileSync(sentinel, 'still here');
    const job = await t.queue.add(
      'train',
      { model: { cell: 'bow', embeddingDim: 8 }, training: { epochs: 1 } },
      { jobId: '..', attempts: 3 },
    );
    await expect(job.waitUntilFinished(t.events, 60_000)).rejects.toThrow(
      /^INVALID_ARGUMENT: job id "\.\." is not a valid id/,
    );
    expect((await t.queue.getJob('..'))?.attemptsMade).toBe(1);
    expect(existsSync(sentinel)).toBe(true);
  }, 90_000);

  it('sets a corrupt checkpoint aside, says so in the job log, and trains from the start', async () => {
    const jobId = 'corrupt-checkpoint';
    // The job's creation time names its checkpoint folder: fix it so the corrupt one is found.
    const timestamp = Date.now();
    const checkpoint = t.checkpointFileOf({ id: jobId, timestamp });
    mkdirSync(dirname(checkpoint), { recursive: true });
    writeFileSync(checkpoint, '{ not json');
    const job = await t.queue.add(
      'train',
      {
        model: { cell: 'bow', embeddingDim: 8 },
        training: { epochs: 1 },
        data: { trainPerClass: 50, testPerClass: 10 },
      },
      { jobId, timestamp },
    );
    const result = (await job.waitUntilFinished(t.events, 120_000)) as TrainingResult;
    expect(result.resumedFromEpoch).toBe(0);
    const { logs } = await t.queue.getJobLogs(jobId);
    expect(logs.join('\n')).toMatch(/checkpoint unusable, training from the start: MODEL_CORRUPT/);
  }, 180_000);

  it('reuses data and vocabulary within the worker: the second job with the same data options hits the cache', async () => {
    const job = (seed: number): TrainingJobData => ({
      model: { cell: 'bow', embeddingDim: 8 },
      training: { epochs: 1, seed },
      data: { trainPerClass: 60, testPerClass: 20, seed: 7 },
      tokenizer: { maxLength: 16 },
    });
    const logsOf = async (data: TrainingJobData) => {
      const added = await t.queue.add('train', data);
      await added.waitUntilFinished(t.events, 120_000);
      return (await t.queue.getJobLogs(String(added.id))).logs;
    };
    const first = await logsOf(job(1));
    const second = await logsOf(job(2));
    const stage = (logs: string[], name: string) => logs.find((l) => l.startsWith(`${name}: `));
    expect(stage(first, 'data')).toMatch(/cache miss/);
    expect(stage(second, 'data')).toMatch(/cache hit/);
    expect(stage(second, 'vocabulary')).toMatch(/cache hit/);
  }, 180_000);
});
