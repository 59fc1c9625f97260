import { readdir, rm } from 'node:fs/promises';
import { basename } from 'node:path';
import type { TrainingJobData, TrainingResult } from '@newscell/contracts';
import { PipelineCache, runTraining } from '@newscell/pipeline';
import type { WorkerConfig } from './config.js';
import {
  type JobOwner,
  jobCheckpointDir,
  jobCheckpointsFolder,
  jobModelId,
  resolveInside,
} from './job-paths.js';
import { modelJobRecord, modelSaveMode } from './model-ownership.js';
import type { ProgressReporter } from './progress-reporter.js';

export interface TrainingJobContext {
  /** The job's id, queue prefix and creation time: they name its checkpoint and model. */
  owner: JobOwner;
  config: Pick<WorkerConfig, 'modelsDir' | 'checkpointsDir' | 'embeddingsDir' | 'budget'>;
  /** Aborted on cancel or shutdown: training stops at the next batch. */
  signal: AbortSignal;
  progress: ProgressReporter;
  log: (line: string) => Promise<void>;
}

/**
 * One cache per process: each sandboxed child runs job after job, so the second job with the
 * same data options reuses the parsed data, vocabulary and embeddings of the first.
 */
const cache = new PipelineCache();

/**
 * Runs one training job through the shared pipeline (`@newscell/pipeline`), wiring it to the
 * job: progress, job log, a checkpoint directory per job id (resumed after a crash, removed once
 * the model is saved) and a model id derived from the job id.
 */
export async function runTrainingJob(
  data: TrainingJobData,
  ctx: TrainingJobContext,
): Promise<TrainingResult> {
  const { progress, owner } = ctx;
  const modelId = jobModelId(data.model.cell, owner);
  const checkpointDir = jobCheckpointDir(ctx.config.checkpointsDir, owner);
  await removeStaleCheckpoints(ctx.config.checkpointsDir, owner, checkpointDir);
  const { overwrite } = await modelSaveMode(ctx.config.modelsDir, modelId, owner);
  const run = await runTraining(data, {
    modelsDir: ctx.config.modelsDir,
    modelId,
    checkpointDir,
    embeddingsDir: ctx.config.embeddingsDir,
    budget: ctx.config.budget,
    signal: ctx.signal,
    cache,
    log: ctx.log,
    // Only a model this job saved itself (an earlier attempt) is ever replaced.
    overwrite,
    metricsExtra: { job: modelJobRecord(owner, data) },
    onPhase: (phase, info) => progress.phase(phase, info),
    onResume: (history) => progress.restoreHistory(history),
    onBatch: (b) =>
      progress.batch({
        epoch: b.epoch,
        epochs: b.epochs,
        batch: b.batch,
        batches: b.batchesPerEpoch,
        loss: b.loss,
        accuracy: b.accuracy,
        samplesPerSecond: b.samplesPerSecond,
        etaSeconds: b.etaSeconds,
      }),
    onEpoch: (e, record) =>
      progress.epochEnd(record, {
        epoch: e.epoch,
        valLoss: record.valLoss,
        valAccuracy: record.valAccuracy,
        etaSeconds: e.etaSeconds,
      }),
  });
  // runTraining removed the checkpoint once the model was saved; the job's folder goes too.
  await rm(jobCheckpointsFolder(ctx.config.checkpointsDir, owner.queuePrefix, owner.jobId), {
    recursive: true,
    force: true,
  });
  return run.result;
}

/**
 * Checkpoints under this job's folder from another job of the same id (before a Redis reset):
 * never resumed, so removed before this one writes its own.
 */
async function removeStaleCheckpoints(
  checkpointsDir: string,
  owner: JobOwner,
  keep: string,
): Promise<void> {
  const folder = jobCheckpointsFolder(checkpointsDir, owner.queuePrefix, owner.jobId);
  const own = basename(keep);
  const names = await readdir(folder).catch(() => [] as string[]);
  for (const name of names) {
    // Ours, or its `.old-`/`.tmp-` siblings of an interrupted atomic write (the read recovers them).
    if (name === own || name.startsWith(`${own}.`)) continue;
    await rm(resolveInside(folder, name), { recursive: true, force: true });
  }
}
