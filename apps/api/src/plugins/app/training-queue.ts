import {
  TRAINING_QUEUE_NAME,
  type TrainingBudget,
  type TrainingJobData,
  type TrainingResult,
} from '@newscell/contracts';
import { Queue, QueueEvents } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Redis } from 'ioredis';
import type { JobEventStream } from '../../jobs/job-event-stream.js';
import { JobEvents } from '../../jobs/job-events.js';
import { TrainingJobService } from '../../jobs/training-job-service.js';

const CLOSE_TIMEOUT_MS = 5000;
/** How long `/readyz` waits for PONG before calling Redis unreachable. */
const PING_TIMEOUT_MS = 1000;

declare module 'fastify' {
  interface FastifyInstance {
    trainingQueue: Queue<TrainingJobData, TrainingResult>;
    trainingJobs: TrainingJobService;
    /** The app's one shared `QueueEvents`, fanned out per job. */
    jobEvents: JobEvents;
    /** Open Server-Sent Event streams, ended when the server closes. */
    eventStreams: Set<JobEventStream>;
    /**
     * True when Redis answers PING on the queue's own connection within a second: probes open
     * no connection of their own.
     */
    redisReachable: () => Promise<boolean>;
    /**
     * True for the first caller, across every API replica on this Redis and prefix, to claim
     * `name` within a week (`SET NX`); false for every later one.
     */
    claimOnce: (name: string) => Promise<boolean>;
  }
}

/** How long a claim is remembered: far longer than any event takes to reach every replica. */
const CLAIM_TTL_SECONDS = 7 * 24 * 3600;

export interface TrainingQueueOptions {
  redisUrl: string;
  prefix: string;
  /** @defaultValue `TRAINING_BUDGET_DEFAULTS` */
  budget?: TrainingBudget;
}

/**
 * The training queue and its events. Requests fail fast (one retry) while Redis is away, so a
 * request answers 503 instead of hanging; the events connection blocks and so retries forever.
 */
async function trainingQueue(app: FastifyInstance, options: TrainingQueueOptions): Promise<void> {
  const connection = new Redis(options.redisUrl, {
    maxRetriesPerRequest: 1,
    connectTimeout: 10_000,
  });
  const eventsConnection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  for (const client of [connection, eventsConnection]) {
    client.on('error', (err) => app.log.warn({ err: err.message }, 'redis connection error'));
  }
  const queue = new Queue<TrainingJobData, TrainingResult>(TRAINING_QUEUE_NAME, {
    connection,
    prefix: options.prefix,
  });
  const queueEvents = new QueueEvents(TRAINING_QUEUE_NAME, {
    connection: eventsConnection,
    prefix: options.prefix,
  });
  queue.on('error', (err) => app.log.warn({ err: err.message }, 'training queue error'));
  queueEvents.on('error', (err) => app.log.warn({ err: err.message }, 'queue events error'));

  app.decorate('trainingQueue', queue);
  app.decorate(
    'trainingJobs',
    new TrainingJobService(queue, connection, options.prefix, options.budget),
  );
  app.decorate('jobEvents', new JobEvents(queueEvents));
  app.decorate('eventStreams', new Set<JobEventStream>());
  app.decorate('redisReachable', () => pingOn(connection, PING_TIMEOUT_MS));
  app.decorate('claimOnce', async (name: string) => {
    const key = `${options.prefix}:${TRAINING_QUEUE_NAME}-claims:${name}`;
    return (await connection.set(key, '1', 'EX', CLAIM_TTL_SECONDS, 'NX')) === 'OK';
  });

  // Open event streams would keep `close()` waiting for ever: end them as shutdown starts.
  app.addHook('preClose', async () => {
    for (const stream of app.eventStreams) stream.close();
  });
  app.addHook('onClose', async () => {
    // BullMQ's close waits for a connection that may never come: drop absent ones first, and
    // never wait on the queue longer than CLOSE_TIMEOUT_MS.
    for (const client of [connection, eventsConnection]) {
      if (client.status !== 'ready') client.disconnect();
    }
    const closed = (async () => {
      await app.jobEvents.close();
      await queue.close();
    })().catch((err: unknown) => app.log.warn({ err }, 'closing the training queue failed'));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise((r) => (timer = setTimeout(r, CLOSE_TIMEOUT_MS)))]);
    clearTimeout(timer);
    eventsConnection.disconnect();
    await connection.quit().catch(() => connection.disconnect());
  });
}

export default fp(trainingQueue, { name: 'training-queue' });

/** PING on an existing connection; false on an error or after `timeoutMs`, never throws. */
async function pingOn(connection: Redis, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    const pong = connection.ping().then(
      (answer) => answer === 'PONG',
      () => false,
    );
    return await Promise.race([pong, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
