import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CANCELLED_REASON_PREFIX,
  type CellType,
  COMPARISON_QUEUE_NAME,
  type ComparisonJobData,
  type ComparisonSummary,
  comparisonCancellationKey,
  isNewscellError,
  TRAINING_QUEUE_NAME,
  type TrainingJobData,
  type TrainingResult,
} from '@newscell/contracts';
import { readPredictions } from '@newscell/models';
import { type Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  type ChildOutcome,
  type CompletedChild,
  childMetricsFrom,
  summariseComparison,
} from './comparison-summary.js';
import type { WorkerConfig } from './config.js';

/** The job id in a BullMQ dependency key `<prefix>:<queue>:<id>`. */
export function jobIdOfKey(key: string): string {
  return key.slice(key.lastIndexOf(':') + 1);
}

/**
 * Runs a comparison's parent job once BullMQ has finished all its children: reads each completed
 * child's model (metrics.json, predictions.json) and returns the summary. Light work (no
 * training), so it runs in the worker's main process.
 */
export async function processComparison(
  job: Job<ComparisonJobData, ComparisonSummary>,
  deps: { training: Queue<TrainingJobData, TrainingResult>; redis: Redis; config: WorkerConfig },
): Promise<ComparisonSummary> {
  const { processed = {}, ignored = {}, failed = [] } = await job.getDependencies();
  const outcomes: ChildOutcome[] = [];
  const completed: CompletedChild[] = [];
  const keys = [...Object.keys(processed), ...Object.keys(ignored), ...failed];
  for (const key of keys) {
    const jobId = jobIdOfKey(key);
    const child = await deps.training.getJob(jobId);
    if (child === undefined) continue; // removed by retention: nothing left to report
    const cell = child.data.model.cell;
    const seed = child.data.training?.seed ?? 0;
    if (key in processed) {
      const result = (
        typeof processed[key] === 'string' ? JSON.parse(processed[key] as string) : processed[key]
      ) as TrainingResult;
      const child = await readCompletedChild(deps.config.modelsDir, result.modelId, {
        jobId,
        cell,
        seed,
      });
      if ('state' in child) {
        outcomes.push(child);
        continue;
      }
      completed.push(child);
      outcomes.push({ jobId, cell, seed, state: 'completed', reason: null });
    } else {
      const reason = String(ignored[key] ?? child.failedReason ?? 'failed');
      const state = reason.startsWith(CANCELLED_REASON_PREFIX) ? 'cancelled' : 'failed';
      outcomes.push({ jobId, cell, seed, state, reason });
    }
  }
  const id = job.data.id;
  const cancelled =
    (await deps.redis.exists(comparisonCancellationKey(id, deps.config.queuePrefix))) === 1;
  return summariseComparison({
    cells: job.data.request.cells as CellType[],
    completed,
    outcomes,
    cancelled,
  });
}

/**
 * What the summary needs of a completed child's model (metrics.json, predictions.json), or a
 * `failed` outcome saying why it cannot be had: a model deleted (or damaged) after its training
 * finished leaves the comparison summarised from the others, never failed as a whole.
 */
export async function readCompletedChild(
  modelsDir: string,
  modelId: string,
  child: { jobId: string; cell: CellType; seed: number },
): Promise<CompletedChild | ChildOutcome> {
  const dir = join(modelsDir, modelId);
  const failed = (why: string): ChildOutcome => ({
    ...child,
    state: 'failed',
    reason: `model ${modelId} ${why}`,
  });
  try {
    const predictions = await readPredictions(dir);
    if (predictions === null) return failed('has no predictions.json');
    let json: unknown;
    try {
      json = JSON.parse(await readFile(join(dir, 'metrics.json'), 'utf8'));
    } catch (error) {
      return failed(`has no readable metrics.json: ${(error as Error).message}`);
    }
    return {
      ...child,
      modelId,
      metrics: childMetricsFrom(json, `model ${modelId} metrics.json`),
      predicted: predictions.predicted,
      labels: predictions.labels,
    };
  } catch (error) {
    if (isNewscellError(error) && error.code === 'MODEL_NOT_FOUND') {
      return failed('was deleted after its training completed');
    }
    if (isNewscellError(error)) return failed(`cannot be read: ${error.code}: ${error.message}`);
    throw error;
  }
}

/** The worker on the comparisons queue, beside the training worker in the same process. */
export class ComparisonWorker {
  private constructor(
    readonly worker: Worker<ComparisonJobData, ComparisonSummary>,
    private readonly training: Queue<TrainingJobData, TrainingResult>,
    private readonly connections: Redis[],
  ) {}

  /** Creates and starts the worker, resolving once it is connected. */
  static async start(options: { config: WorkerConfig; logger: Logger }) {
    const self = ComparisonWorker.create(options);
    await self.ready(options.logger);
    return self;
  }

  /** Creates the worker without waiting for Redis, so `close()` works while Redis is away. */
  static create(options: { config: WorkerConfig; logger: Logger }) {
    const { config, logger } = options;
    const connection = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
    const commands = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
    for (const client of [connection, commands]) {
      client.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
    }
    const training = new Queue<TrainingJobData, TrainingResult>(TRAINING_QUEUE_NAME, {
      connection: commands,
      prefix: config.queuePrefix,
    });
    const worker = new Worker<ComparisonJobData, ComparisonSummary>(
      COMPARISON_QUEUE_NAME,
      (job) => processComparison(job, { training, redis: commands, config }),
      { connection, prefix: config.queuePrefix, concurrency: 1 },
    );
    worker.on('completed', (job) =>
      logger.info(
        { comparison: job.data.id, notCompleted: job.returnvalue?.notCompleted.length },
        'comparison summarised',
      ),
    );
    worker.on('failed', (job, err) =>
      logger.warn({ comparison: job?.data.id, reason: err.message }, 'comparison failed'),
    );
    worker.on('error', (err) => logger.error({ err: err.message }, 'comparison worker error'));
    return new ComparisonWorker(worker, training, [connection, commands]);
  }

  async ready(logger: Logger): Promise<void> {
    await this.worker.waitUntilReady();
    logger.info({ queue: COMPARISON_QUEUE_NAME }, 'comparison worker ready');
  }

  async close(): Promise<void> {
    await this.worker.close();
    await this.training.close();
    for (const c of this.connections) c.disconnect();
  }
}
