import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  TRAINING_QUEUE_NAME,
  type TrainingJobData,
  type TrainingResult,
} from '@newscell/contracts';
import { agNewsDirFromEnv } from '@newscell/dataset';
import { loadClassifier } from '@newscell/models';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkerProcess, type WorkerProcess } from './support/worker-process.js';

const redisUrl = (): string => {
  const url = process.env.REDIS_URL;
  if (url === undefined)
    throw new Error('REDIS_URL is not set: the vitest global setup starts Redis');
  return url;
};

describe('training jobs end to end (real Redis, real worker process, real AG News subset)', () => {
  const prefix = `test-${randomUUID().slice(0, 8)}`;
  const dir = mkdtempSync(join(tmpdir(), 'newscell-worker-'));
  let queue: Queue<TrainingJobData, TrainingResult>;
  let events: QueueEvents;
  let worker: WorkerProcess;

  beforeAll(async () => {
    const connection = new Redis(redisUrl(), { maxRetriesPerRequest: null });
    queue = new Queue(TRAINING_QUEUE_NAME, { connection, prefix });
    events = new QueueEvents(TRAINING_QUEUE_NAME, { connection: { url: redisUrl() }, prefix });
    await events.waitUntilReady();
    worker = startWorkerProcess({
      REDIS_URL: redisUrl(),
      NEWSCELL_QUEUE_PREFIX: prefix,
      MODELS_DIR: join(dir, 'models'),
      CHECKPOINTS_DIR: join(dir, 'checkpoints'),
      AGNEWS_DIR: agNewsDirFromEnv(),
      TFJS_BACKEND: 'wasm',
    });
    await worker.waitForOutput('training worker ready');
  });

  afterAll(async () => {
    worker?.child.kill('SIGTERM');
    await worker?.exited;
    await events?.close();
    await queue?.obliterate({ force: true });
    await queue?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('trains a small model, reports progress with a history, and saves a model that loads', async () => {
    const job = await queue.add('train', {
      name: 'tiny bow',
      model: { cell: 'bow', embeddingDim: 16 },
      training: { epochs: 2, batchSize: 32 },
      data: { trainPerClass: 100, testPerClass: 50 },
    });
    const result = (await job.waitUntilFinished(events, 120_000)) as TrainingResult;
    expect(result).toMatchObject({ cell: 'bow', epochs: 2, resumedFromEpoch: 0 });
    expect(result.accuracy).toBeGreaterThan(0.25);
    const done = await queue.getJob(String(job.id));
    const progress = done?.progress as { phase: string; history: unknown[] };
    expect(progress.phase).toBe('saving');
    expect(progress.history).toHaveLength(2);
    const { logs } = await queue.getJobLogs(String(job.id));
    expect(logs.join('\n')).toMatch(/vocabulary: \d+ tokens/);
    const loaded = await loadClassifier(join(dir, 'models', result.modelId));
    expect(loaded.manifest.id).toBe(result.modelId);
    loaded.classifier.model.dispose();
  }, 180_000);

  it('fails an invalid job at once, without retries, naming the field', async () => {
    const job = await queue.add(
      'train',
      { model: { cell: 'transformer' } } as unknown as TrainingJobData,
      {
        attempts: 3,
      },
    );
    await expect(job.waitUntilFinished(events, 60_000)).rejects.toThrow(
      /job data \/model\/cell: must be one of/,
    );
    const failed = await queue.getJob(String(job.id));
    expect(failed?.attemptsMade).toBe(1);
  }, 90_000);
});
