import { join } from 'node:path';
import type { TrainingJobData, TrainingResult } from '@newscell/contracts';
import { PipelineCache, runTraining } from '@newscell/pipeline';
import type { WorkerConfig } from './config.js';
import type { ProgressReporter } from './progress-reporter.js';

export interface TrainingJobContext {
  jobId: string;
  config: Pick<WorkerConfig, 'modelsDir' | 'checkpointsDir' | 'embeddingsDir'>;
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

/** The checkpoint directory of a job: crash-safe resume is keyed by job id. */
export function checkpointDir(checkpointsDir: string, jobId: string): string {
  return join(checkpointsDir, jobId);
}

/** Model id of a job's model: derived from the job id, so a retried job never saves twice. */
export function modelIdFor(data: TrainingJobData, jobId: string): string {
  return `${data.model.cell}-job${jobId}`;
}

/**
 * Runs one training job through the shared pipeline (`@newscell/pipeline`), wiring it to the
 * job: progress, job log, a checkpoint directory per job id (resumed after a crash, removed once
 * the model is saved) and a model id derived from the job id.
 */
export async function runTrainingJob(
  data: TrainingJobData,
  ctx: TrainingJobContext,
): Promise<TrainingResult> {
  const { progress } = ctx;
  const run = await runTraining(data, {
    modelsDir: ctx.config.modelsDir,
    modelId: modelIdFor(data, ctx.jobId),
    checkpointDir: checkpointDir(ctx.config.checkpointsDir, ctx.jobId),
    embeddingsDir: ctx.config.embeddingsDir,
    signal: ctx.signal,
    cache,
    log: ctx.log,
    // A retried job (e.g. after a crash during saving) replaces its own half-finished model id.
    overwrite: true,
    metricsExtra: { job: { id: ctx.jobId, name: data.name ?? null, tags: data.tags ?? [] } },
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
  return run.result;
}
