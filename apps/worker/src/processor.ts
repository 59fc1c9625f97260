/**
 * The sandboxed processor: BullMQ forks a child process that imports this file and runs one
 * training at a time in it, so the worker process keeps renewing locks while batches compute.
 */
import { rm } from 'node:fs/promises';
import { parseWithSchema, TrainingJobDataSchema, type TrainingResult } from '@newscell/contracts';
import { type SandboxedJob, UnrecoverableError, WaitingError } from 'bullmq';
import { loadWorkerConfig } from './config.js';
import {
  cancelledReason,
  classifyFailure,
  crashedOutOfMemory,
  failureReason,
  OUT_OF_MEMORY_ADVICE,
} from './failure.js';
import { assertJobId, type JobOwner, jobCheckpointsFolder } from './job-paths.js';
import { ProgressReporter } from './progress-reporter.js';
import { runTrainingJob } from './run-training-job.js';
import { LOCK_LOST_REASON, SHUTDOWN_REASON } from './training-worker.js';

// The worker process is gone (SIGKILL): never train on as an orphan next to the worker that resumes.
process.on('disconnect', () => process.exit(1));

export default async function processTrainingJob(
  job: SandboxedJob,
  token?: string,
  signal?: AbortSignal,
): Promise<TrainingResult> {
  const config = loadWorkerConfig();
  const jobId = String(job.id);
  let data: ReturnType<typeof parseData>;
  try {
    // Before any path is built from it (bull-board lets a person pick the id).
    assertJobId(jobId);
    data = parseData(job.data);
  } catch (error) {
    throw new UnrecoverableError(failureReason(error));
  }
  const owner: JobOwner = { jobId, queuePrefix: config.queuePrefix, createdAt: job.timestamp };
  const removeCheckpoints = () =>
    rm(jobCheckpointsFolder(config.checkpointsDir, config.queuePrefix, jobId), {
      recursive: true,
      force: true,
    });
  // The previous attempt's process died of heap exhaustion: this one would too.
  const previousFailure = sandboxedFailedReason(job.failedReason);
  if (job.attemptsMade > 0 && crashedOutOfMemory(previousFailure)) {
    await removeCheckpoints();
    throw new UnrecoverableError(
      `out of memory: the previous attempt's training process crashed (${previousFailure}); ${OUT_OF_MEMORY_ADVICE}`,
    );
  }
  const abort = signal ?? new AbortController().signal;
  const progress = new ProgressReporter({ send: (p) => job.updateProgress(p) });
  try {
    const result = await runTrainingJob(data, {
      owner,
      config,
      signal: abort,
      progress,
      log: async (line) => {
        await job.log(line);
      },
    });
    await progress.flush();
    return result;
  } catch (error) {
    await progress.flush();
    if (abort.aborted && abort.reason === SHUTDOWN_REASON && token !== undefined) {
      // Hand the job back: the next worker resumes it from the last checkpoint.
      await job.log('worker shutting down: job handed back to the queue');
      await job.moveToWait(token);
      throw new WaitingError();
    }
    if (abort.aborted && abort.reason === LOCK_LOST_REASON) {
      // Not ours any more: keep the checkpoint for whoever takes the job, and leave its state alone.
      await job.log(
        'lock lost (Redis away longer than the lock): training stopped at a checkpointed epoch',
      );
      throw new Error(
        'lock lost: the job is resumed from its checkpoint by the worker that takes it',
      );
    }
    if (abort.aborted) {
      await removeCheckpoints();
      throw new UnrecoverableError(cancelledReason(String(abort.reason ?? 'cancelled')));
    }
    const reason = failureReason(error);
    await job.log(`failed: ${reason}`);
    if (classifyFailure(error) === 'permanent') {
      await removeCheckpoints();
      throw new UnrecoverableError(reason);
    }
    // The last attempt: nobody resumes this checkpoint any more.
    if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) await removeCheckpoints();
    throw new Error(reason);
  }
}

function parseData(data: unknown) {
  return parseWithSchema(TrainingJobDataSchema, data, 'job data', 'INVALID_CONFIG');
}

/** A sandboxed job's `failedReason` arrives JSON-encoded (BullMQ's `asJSON`); plain otherwise. */
function sandboxedFailedReason(raw: string | undefined): string | undefined {
  if (raw === undefined || !raw.startsWith('"')) return raw;
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'string' ? parsed : raw;
  } catch {
    return raw;
  }
}
