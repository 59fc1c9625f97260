import {
  TRAINING_QUEUE_NAME,
  type TrainingJobData,
  type TrainingProgress,
  type TrainingResult,
} from '@newscell/contracts';
import { type Job, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { redisUrl } from './test-app.js';

/**
 * A BullMQ worker on the test's prefix whose processor the test writes: it stands in for
 * apps/worker, speaking the same contract (progress objects, a TrainingResult, cancel reasons).
 */
export async function startWorker(
  prefix: string,
  processor: (job: Job<TrainingJobData, TrainingResult>) => Promise<TrainingResult>,
): Promise<{ worker: Worker; close: () => Promise<void> }> {
  const connection = new Redis(redisUrl(), { maxRetriesPerRequest: null });
  const worker = new Worker<TrainingJobData, TrainingResult>(TRAINING_QUEUE_NAME, processor, {
    connection,
    prefix,
  });
  await worker.waitUntilReady();
  return {
    worker,
    close: async () => {
      await worker.close(true);
      await connection.quit();
    },
  };
}

/** A resolvable promise, to hold a job active until the test lets it go. */
export function gate<T = void>(): { promise: Promise<T>; open: (value: T) => void } {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

export function progressAt(epoch: number, epochs = 2): TrainingProgress {
  const history = Array.from({ length: epoch }, (_, i) => ({
    epoch: i + 1,
    loss: 1 / (i + 2),
    accuracy: 0.5 + i * 0.1,
    valLoss: 1 / (i + 3),
    valAccuracy: 0.45 + i * 0.1,
    seconds: 1.5,
  }));
  return {
    phase: 'training',
    epoch,
    epochs,
    batch: 10,
    batches: 10,
    loss: 0.4,
    accuracy: 0.8,
    valLoss: 0.5,
    valAccuracy: 0.75,
    samplesPerSecond: 900,
    etaSeconds: 3,
    history,
  } as TrainingProgress;
}

export function resultFor(modelId: string): TrainingResult {
  return {
    modelId,
    cell: 'gru',
    accuracy: 0.88,
    macroF1: 0.87,
    logLoss: 0.35,
    epochs: 2,
    trainingSeconds: 3,
    samplesPerSecond: 900,
    parameterCount: 12345,
    resumedFromEpoch: 0,
  } as unknown as TrainingResult;
}

/** Polls `check` until it returns true (jobs change state in another connection). */
export async function until(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
