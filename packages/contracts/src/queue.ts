/**
 * Names and defaults both ends of the training queue must agree on. BullMQ itself is imported only
 * by the apps; these are plain values so the contract stays free of it.
 */
import { DEFAULT_QUEUE_PREFIX, TRAINING_QUEUE_NAME } from './training-job.js';

/** Pub/sub channel the API publishes `{ jobId }` on to cancel an active job, whichever worker runs it. */
export function cancellationChannel(prefix = DEFAULT_QUEUE_PREFIX): string {
  return `${prefix}:${TRAINING_QUEUE_NAME}:cancel`;
}

/**
 * Key marking a job as cancelled, kept a day: a worker that picks the job up after the request was
 * published (a race the channel alone cannot close) sees it and cancels at once.
 */
export function cancellationKey(jobId: string, prefix = DEFAULT_QUEUE_PREFIX): string {
  return `${prefix}:${TRAINING_QUEUE_NAME}:cancelled:${jobId}`;
}

export const CANCELLATION_TTL_SECONDS = 24 * 60 * 60;

/** Prefix of the failure reason of a cancelled job: the API reports such jobs as `cancelled`. */
export const CANCELLED_REASON_PREFIX = 'JOB_CANCELLED';

/** Default options for a training job put on the queue (BullMQ `JobsOptions`). */
export const DEFAULT_TRAINING_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { age: 30 * 24 * 60 * 60, count: 5_000 },
  removeOnFail: { age: 30 * 24 * 60 * 60, count: 5_000 },
} as const;
