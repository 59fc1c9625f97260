import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  cancellationChannel,
  cancellationKey,
  TRAINING_QUEUE_NAME,
  type TrainingJobData,
  type TrainingResult,
} from '@newscell/contracts';
import { type Job, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { sweepOrphanCheckpoints } from './checkpoint-sweep.js';
import type { WorkerConfig } from './config.js';
import { jobCheckpointsFolder } from './job-paths.js';

/**
 * Abort reasons the processor tells apart: a person's cancel, this worker going away, or the job's
 * lock lost (Redis away for longer than the lock: the stalled check hands the job to a worker).
 */
export const CANCEL_REASON = 'cancelled';
export const SHUTDOWN_REASON = 'shutdown';
export const LOCK_LOST_REASON = 'lock-lost';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The compiled sandboxed processor: BullMQ forks a child process that imports it. */
export function defaultProcessorFile(): string {
  const file = join(packageRoot, 'dist', 'processor.js');
  if (!existsSync(file)) {
    throw new Error(`${file} is missing: build the worker first (npm run build)`);
  }
  return file;
}

export interface TrainingWorkerOptions {
  config: WorkerConfig;
  logger: Logger;
  /** @defaultValue the worker's compiled `dist/processor.js` */
  processorFile?: string;
}

/**
 * A BullMQ worker on the training queue. Each training runs in a sandboxed child process, so lock
 * renewal and stalled checks in this process keep going while a batch computes. Cancellation
 * requests from any process arrive over Redis pub/sub and abort the job wherever it runs.
 */
export class TrainingWorker {
  readonly worker: Worker<TrainingJobData, TrainingResult>;
  /** The connection handed to BullMQ: BullMQ never closes a connection it was given. */
  private readonly connection: Redis;
  private readonly subscriber: Redis;
  private readonly commands: Redis;
  private closing: Promise<void> | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly options: TrainingWorkerOptions,
    worker: Worker<TrainingJobData, TrainingResult>,
    connection: Redis,
    subscriber: Redis,
    commands: Redis,
  ) {
    this.worker = worker;
    this.connection = connection;
    this.subscriber = subscriber;
    this.commands = commands;
  }

  /** Creates and starts the worker, resolving once it is connected and taking jobs. */
  static async start(options: TrainingWorkerOptions): Promise<TrainingWorker> {
    const self = TrainingWorker.create(options);
    await self.ready();
    return self;
  }

  /**
   * Creates the worker and its Redis clients without waiting for Redis: `close()` works from this
   * moment on, so a stop requested while Redis is unreachable is not stuck behind a connection
   * that never comes. `ready()` starts taking jobs.
   */
  static create(options: TrainingWorkerOptions): TrainingWorker {
    const { config, logger } = options;
    const connection = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
    const subscriber = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
    const commands = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
    for (const client of [connection, subscriber, commands]) {
      client.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
    }
    const worker = new Worker<TrainingJobData, TrainingResult>(
      TRAINING_QUEUE_NAME,
      options.processorFile ?? defaultProcessorFile(),
      {
        connection,
        prefix: config.queuePrefix,
        concurrency: config.concurrency,
        lockDuration: config.lockDurationMs,
        stalledInterval: config.stalledIntervalMs,
        maxStalledCount: config.maxStalledCount,
        useWorkerThreads: false,
        autorun: false,
      },
    );
    const self = new TrainingWorker(options, worker, connection, subscriber, commands);
    self.wireEvents();
    return self;
  }

  /** Subscribes to cancel requests and starts taking jobs; resolves once connected. */
  async ready(): Promise<void> {
    const { config, logger } = this.options;
    this.subscriber.on('message', (_channel, message) => this.onCancelMessage(message));
    await this.subscriber.subscribe(cancellationChannel(config.queuePrefix));
    if (this.closing !== undefined) return;
    void this.worker
      .run()
      .catch((err: unknown) => logger.error({ err }, 'worker stopped with an error'));
    await this.worker.waitUntilReady();
    logger.info(
      { queue: TRAINING_QUEUE_NAME, prefix: config.queuePrefix, concurrency: config.concurrency },
      'training worker ready',
    );
    // Jobs removed while no worker was running (or between sweeps) leave their checkpoints.
    void this.sweepCheckpoints();
    this.sweepTimer = setInterval(() => void this.sweepCheckpoints(), config.stalledIntervalMs);
    this.sweepTimer.unref();
  }

  /** Removes the checkpoints of jobs that no longer exist (see `sweepOrphanCheckpoints`). */
  async sweepCheckpoints(): Promise<void> {
    const { config, logger } = this.options;
    try {
      const removed = await sweepOrphanCheckpoints({
        checkpointsDir: config.checkpointsDir,
        queuePrefix: config.queuePrefix,
        jobExists: async (jobId) =>
          (await this.commands.exists(`${config.queuePrefix}:${TRAINING_QUEUE_NAME}:${jobId}`)) ===
          1,
      });
      if (removed.length > 0) {
        logger.info({ jobIds: removed }, 'removed the checkpoints of jobs that no longer exist');
      }
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'checkpoint sweep failed');
    }
  }

  private wireEvents(): void {
    const { logger, config } = this.options;
    this.worker.on('active', (job) => {
      logger.info({ jobId: job.id, cell: job.data.model?.cell }, 'training started');
      // A cancel published before this worker took the job would have gone unheard.
      if (job.id === undefined) return;
      void this.commands
        .exists(cancellationKey(job.id, config.queuePrefix))
        .then((found) => {
          if (found === 1 && job.id !== undefined) this.worker.cancelJob(job.id, CANCEL_REASON);
        })
        .catch((err: unknown) =>
          // The job trains unless a cancel arrives over pub/sub; say so rather than hide it.
          logger.warn(
            { jobId: job.id, err: (err as Error).message },
            'could not check for a cancel requested before the job started',
          ),
        );
    });
    this.worker.on('completed', (job: Job<TrainingJobData, TrainingResult>) =>
      logger.info({ jobId: job.id, modelId: job.returnvalue?.modelId }, 'training completed'),
    );
    this.worker.on('failed', (job, err) => {
      logger.warn({ jobId: job?.id, reason: err.message }, 'training failed');
      // Failed for good however it happened (also stalled too often, which never reaches the
      // processor): nobody resumes its checkpoint. A retry or another worker's job is left alone.
      if (job?.id === undefined) return;
      const jobId = job.id;
      void job
        .getState()
        .then(async (state) => {
          if (state !== 'failed') return;
          await rm(jobCheckpointsFolder(config.checkpointsDir, config.queuePrefix, jobId), {
            recursive: true,
            force: true,
          });
        })
        .catch((e: unknown) =>
          logger.warn({ jobId, err: (e as Error).message }, 'could not remove the checkpoints'),
        );
    });
    this.worker.on('stalled', (jobId) => logger.warn({ jobId }, 'job stalled: will be resumed'));
    // Training on would race the worker that resumes the job, on the same checkpoint and model id.
    this.worker.on('lockRenewalFailed', (jobIds) => {
      for (const jobId of jobIds) {
        if (this.worker.cancelJob(jobId, LOCK_LOST_REASON)) {
          logger.warn(
            { jobId },
            'lock lost: stopping the training; the job resumes from its checkpoint',
          );
        }
      }
    });
    this.worker.on('error', (err) => logger.error({ err: err.message }, 'worker error'));
  }

  private onCancelMessage(message: string): void {
    let jobId: unknown;
    try {
      jobId = (JSON.parse(message) as { jobId?: unknown }).jobId;
    } catch {
      return;
    }
    if (typeof jobId === 'string' && this.worker.cancelJob(jobId, CANCEL_REASON)) {
      this.options.logger.info({ jobId }, 'cancel requested: stopping at the next batch');
    }
  }

  /**
   * Stops taking jobs; asks each active training to stop at a batch boundary, checkpoint and hand
   * its job back to the queue; waits for that (bounded by `shutdownTimeoutMs`) and disconnects.
   */
  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    const { logger, config } = this.options;
    logger.info('shutting down: handing active jobs back to the queue');
    if (this.sweepTimer !== undefined) clearInterval(this.sweepTimer);
    const closed = this.worker.close();
    this.worker.cancelAllJobs(SHUTDOWN_REASON);
    const timeout = new Promise<'timeout'>((r) =>
      setTimeout(() => r('timeout'), config.shutdownTimeoutMs).unref(),
    );
    const done = closed.then(
      () => 'closed' as const,
      (err: unknown) => {
        logger.error({ err }, 'worker close failed');
        return 'closed' as const;
      },
    );
    if ((await Promise.race([done, timeout])) === 'timeout') {
      // `close(true)` cannot help now: a close is under way and BullMQ hands that one back, still
      // waiting for the training. Leave instead; the jobs' locks run out and the stalled check
      // gives them to a worker that resumes them from their last checkpoint.
      logger.warn(
        'active jobs did not hand back in time: forcing close (they will be resumed as stalled)',
      );
    }
    // Not `quit()`: with Redis away it would wait for a reconnection that may never come.
    this.subscriber.disconnect();
    this.commands.disconnect();
    this.connection.disconnect();
  }
}
