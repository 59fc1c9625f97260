import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cancellationChannel,
  cancellationKey,
  TRAINING_QUEUE_NAME,
  type TrainingJobData,
  type TrainingProgress,
  type TrainingResult,
} from '@newscell/contracts';
import { agNewsDirFromEnv } from '@newscell/dataset';
import { loadClassifier } from '@newscell/models';
import { type Job, Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startWorkerProcess, type WorkerProcess } from './support/worker-process.js';

const redisUrl = (): string => {
  const url = process.env.REDIS_URL;
  if (url === undefined)
    throw new Error('REDIS_URL is not set: the vitest global setup starts Redis');
  return url;
};

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
  const prefix = `test-${randomUUID().slice(0, 8)}`;
  const dir = mkdtempSync(join(tmpdir(), 'newscell-worker-'));
  const workers: WorkerProcess[] = [];
  let connection: Redis;
  let queue: Queue<TrainingJobData, TrainingResult>;
  let events: QueueEvents;

  const startWorker = async () => {
    const worker = startWorkerProcess({
      REDIS_URL: redisUrl(),
      NEWSCELL_QUEUE_PREFIX: prefix,
      MODELS_DIR: join(dir, 'models'),
      CHECKPOINTS_DIR: join(dir, 'checkpoints'),
      AGNEWS_DIR: agNewsDirFromEnv(),
      TFJS_BACKEND: 'wasm',
      WORKER_LOCK_DURATION_MS: '3000',
      WORKER_STALLED_INTERVAL_MS: '2000',
    });
    workers.push(worker);
    await worker.waitForOutput('training worker ready');
    return worker;
  };
  const progressOf = async (job: Job) =>
    ((await queue.getJob(String(job.id)))?.progress ?? {}) as Partial<TrainingProgress>;

  beforeAll(async () => {
    connection = new Redis(redisUrl(), { maxRetriesPerRequest: null });
    queue = new Queue(TRAINING_QUEUE_NAME, { connection, prefix });
    events = new QueueEvents(TRAINING_QUEUE_NAME, { connection: { url: redisUrl() }, prefix });
    await events.waitUntilReady();
  });

  afterEach(async () => {
    for (const worker of workers.splice(0)) {
      if (worker.child.exitCode === null && worker.child.signalCode === null)
        worker.child.kill('SIGKILL');
      await worker.exited;
    }
  });

  afterAll(async () => {
    await events?.close();
    await queue?.obliterate({ force: true });
    await queue?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('cancels an active job from another process: cancelled, not retried, nothing left behind', async () => {
    await startWorker();
    const job = await queue.add('train', SLOW_JOB, { attempts: 3 });
    await waitFor(
      'training to start',
      async () => ((await progressOf(job)).batch ?? 0) > 0 || undefined,
    );
    await connection.set(cancellationKey(String(job.id), prefix), '1', 'EX', 60);
    await connection.publish(cancellationChannel(prefix), JSON.stringify({ jobId: job.id }));
    await expect(job.waitUntilFinished(events, 60_000)).rejects.toThrow(/^JOB_CANCELLED/);
    const failed = await queue.getJob(String(job.id));
    expect(failed?.attemptsMade).toBe(1);
    expect(existsSync(join(dir, 'checkpoints', String(job.id)))).toBe(false);
    expect(existsSync(join(dir, 'models')) ? readdirSync(join(dir, 'models')) : []).toEqual([]);
  }, 120_000);

  it('resumes a job from its checkpoint after its worker is SIGKILLed, without redoing epochs', async () => {
    const first = await startWorker();
    const job = await queue.add('train', SLOW_JOB);
    await waitFor(
      'the first epoch to finish',
      async () => ((await progressOf(job)).history?.length ?? 0) >= 1 || undefined,
    );
    first.child.kill('SIGKILL');
    await first.exited;
    await startWorker();
    const result = (await job.waitUntilFinished(events, 120_000)) as TrainingResult;
    expect(result.resumedFromEpoch).toBeGreaterThanOrEqual(1);
    const finished = await queue.getJob(String(job.id));
    const progress = finished?.progress as TrainingProgress | undefined;
    const history = progress?.history.map((r) => r.epoch);
    expect(history).toEqual([1, 2, 3, 4]);
    const { logs } = await queue.getJobLogs(String(job.id));
    expect(
      logs.filter((l) => l.startsWith('resuming from the checkpoint after epoch')),
    ).toHaveLength(1);
    const loaded = await loadClassifier(join(dir, 'models', result.modelId));
    loaded.classifier.model.dispose();
    expect(existsSync(join(dir, 'checkpoints', String(job.id)))).toBe(false);
  }, 240_000);
});
