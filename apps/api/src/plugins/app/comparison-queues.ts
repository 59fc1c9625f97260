import {
  COMPARISON_QUEUE_NAME,
  type ComparisonJobData,
  type ComparisonSummary,
  TRAINING_QUEUE_NAME,
  type TrainingBudget,
  type TrainingJobData,
  type TrainingResult,
} from '@newscell/contracts';
import { resolveAgNewsDir } from '@newscell/dataset';
import { FlowProducer, Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Redis } from 'ioredis';
import { ComparisonService } from '../../comparisons/comparison-service.js';
import { TestTextCache } from '../../comparisons/test-texts.js';
import type { ApiConfig } from '../../config.js';

const CLOSE_TIMEOUT_MS = 5000;

declare module 'fastify' {
  interface FastifyInstance {
    /** Matched comparisons: BullMQ flows of trainings plus a summarising parent job. */
    comparisons: ComparisonService;
  }
}

export interface ComparisonQueuesOptions {
  redisUrl: string;
  /** BullMQ key prefix of the queues. */
  prefix: string;
  modelsDir: string;
  /**
   * Where the AG News CSVs are, for the texts of disagreements: found as the worker finds them
   * (`AGNEWS_DIR`, else `./data/ag_news`, else a download) on the first request that needs them,
   * so the API starts and serves without the data.
   */
  agNews: ApiConfig['agNews'];
  /** Largest comparison accepted. @defaultValue `TRAINING_BUDGET_DEFAULTS` */
  budget?: TrainingBudget;
}

/**
 * The comparison queue, the flow producer that enqueues a comparison's trainings under it, and
 * the service the routes call, as the training queue's plugin does for trainings. Its own Redis
 * connection fails fast (one retry), so a request answers 503 instead of hanging while Redis is away.
 */
async function comparisonQueues(
  app: FastifyInstance,
  options: ComparisonQueuesOptions,
): Promise<void> {
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 10_000 });
  redis.on('error', (err) => app.log.warn({ err: err.message }, 'redis connection error'));
  const queueOptions = { connection: redis, prefix: options.prefix };
  const comparisons = new Queue<ComparisonJobData, ComparisonSummary>(
    COMPARISON_QUEUE_NAME,
    queueOptions,
  );
  const training = new Queue<TrainingJobData, TrainingResult>(TRAINING_QUEUE_NAME, queueOptions);
  const flows = new FlowProducer(queueOptions);
  const warn = (err: Error) => app.log.warn({ err: err.message }, 'comparison queue error');
  comparisons.on('error', warn);
  training.on('error', warn);
  flows.on('error', warn);
  app.decorate(
    'comparisons',
    new ComparisonService({
      flows,
      comparisons,
      training,
      redis,
      prefix: options.prefix,
      modelsDir: options.modelsDir,
      ...(options.budget === undefined ? {} : { budget: options.budget }),
      testTexts: new TestTextCache(async () => {
        const { dir, url, dataDir } = options.agNews;
        const env = { AGNEWS_DIR: dir, AGNEWS_URL: url };
        return (await resolveAgNewsDir({ env, dataDir })).dir;
      }),
    }),
  );
  app.addHook('onClose', async () => {
    // As the training queue does: BullMQ's close would wait for ever for an absent Redis.
    if (redis.status !== 'ready') redis.disconnect();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([comparisons.close(), training.close(), flows.close()]),
      new Promise((r) => (timer = setTimeout(r, CLOSE_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
    await redis.quit().catch(() => redis.disconnect());
  });
}

export default fp(comparisonQueues, { name: 'comparison-queues' });
