import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  TRAINING_QUEUE_NAME,
  type TrainingJobData,
  type TrainingResult,
} from '@newscell/contracts';
import { agNewsDirForTests } from '@newscell/dataset';
import { type PrivateRedis, startPrivateRedis } from '@newscell/local-redis';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { jobModelId } from '../../src/job-paths.js';
import { startWorkerProcess, type WorkerProcess } from './worker-process.js';

/** The Redis the Vitest global setup found or started. */
export function testRedisUrl(): string {
  const url = process.env.REDIS_URL;
  if (url === undefined)
    throw new Error('REDIS_URL is not set: the vitest global setup starts Redis');
  return url;
}

export interface TestQueueOptions {
  /** @defaultValue the Redis of the Vitest global setup ({@link testRedisUrl}) */
  redisUrl?: string;
}

/**
 * A training queue on its own random prefix with its own model and checkpoint folders, and a way
 * to start real worker processes on it; `close()` kills them and removes everything.
 */
export async function openTestQueue(options: TestQueueOptions = {}) {
  const redisUrl = options.redisUrl ?? testRedisUrl();
  const prefix = `test-${randomUUID().slice(0, 8)}`;
  const dir = mkdtempSync(join(tmpdir(), 'newscell-worker-'));
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue<TrainingJobData, TrainingResult>(TRAINING_QUEUE_NAME, {
    connection,
    prefix,
  });
  const events = new QueueEvents(TRAINING_QUEUE_NAME, {
    connection: { url: redisUrl },
    prefix,
  });
  // Tests that restart Redis expect these to reconnect; the errors meanwhile are noise.
  connection.on('error', () => {});
  queue.on('error', () => {});
  events.on('error', () => {});
  await events.waitUntilReady();
  const workers: WorkerProcess[] = [];

  const startWorker = async (env: Record<string, string> = {}) => {
    const worker = startWorkerProcess({
      REDIS_URL: redisUrl,
      NEWSCELL_QUEUE_PREFIX: prefix,
      MODELS_DIR: join(dir, 'models'),
      CHECKPOINTS_DIR: join(dir, 'checkpoints'),
      AGNEWS_DIR: await agNewsDirForTests(),
      TFJS_BACKEND: 'wasm',
      ...env,
    });
    workers.push(worker);
    await worker.waitForOutput('training worker ready');
    return worker;
  };

  const killWorkers = async () => {
    for (const worker of workers.splice(0)) {
      if (worker.child.exitCode === null && worker.child.signalCode === null)
        worker.child.kill('SIGKILL');
      await worker.exited;
    }
  };

  const close = async () => {
    await killWorkers();
    await events.close();
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
    rmSync(dir, { recursive: true, force: true });
  };

  const modelIds = () => (existsSync(join(dir, 'models')) ? readdirSync(join(dir, 'models')) : []);
  /** A job's folder of checkpoints (`CHECKPOINTS_DIR/<prefix>/<jobId>`). */
  const checkpointsOf = (jobId: string) => join(dir, 'checkpoints', prefix, jobId);
  /** The `checkpoint.json` a job's training writes (its folder is named by creation time). */
  const checkpointFileOf = (job: { id?: string | undefined; timestamp: number }) =>
    join(checkpointsOf(String(job.id)), job.timestamp.toString(36), 'checkpoint.json');
  /** The model id the worker gives a job. */
  const modelIdOf = (cell: string, job: { id?: string | undefined; timestamp: number }) =>
    jobModelId(cell, { jobId: String(job.id), queuePrefix: prefix, createdAt: job.timestamp });

  return {
    prefix,
    dir,
    connection,
    queue,
    events,
    startWorker,
    killWorkers,
    close,
    modelIds,
    checkpointsOf,
    checkpointFileOf,
    modelIdOf,
  };
}

export type TestQueue = Awaited<ReturnType<typeof openTestQueue>>;

/**
 * For a `describe` whose tests stop or kill Redis: its own Redis server (stopping the suite's
 * would break every other test file running meanwhile) and a test queue on it, opened before
 * the block's tests and closed after them. Read `.redis` and `.queue` inside the tests.
 */
export function privateRedisQueue(): { redis: PrivateRedis; queue: TestQueue } {
  const held = {} as { redis: PrivateRedis; queue: TestQueue };
  beforeAll(async () => {
    held.redis = await startPrivateRedis();
    held.queue = await openTestQueue({ redisUrl: held.redis.url });
  });
  afterAll(async () => {
    await held.queue?.close();
    await held.redis?.dispose();
  });
  return held;
}
