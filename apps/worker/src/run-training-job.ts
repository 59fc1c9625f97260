import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { NewscellError, type TrainingJobData, type TrainingResult } from '@newscell/contracts';
import { loadAgNews } from '@newscell/dataset';
import {
  buildClassifier,
  buildModelReport,
  evaluateClassifier,
  initBackend,
  measureInference,
  readCheckpoint,
  resolveClassifierConfig,
  saveClassifier,
  trainClassifier,
  writeCheckpoint,
} from '@newscell/models';
import {
  createTokenizer,
  type EmbeddingMatrix,
  loadPretrainedEmbeddings,
  trainSkipGram,
  Vocabulary,
} from '@newscell/tokenizer';
import type { WorkerConfig } from './config.js';
import { failureReason } from './failure.js';
import type { ProgressReporter } from './progress-reporter.js';

export interface TrainingJobContext {
  jobId: string;
  config: Pick<WorkerConfig, 'modelsDir' | 'checkpointsDir' | 'embeddingsDir'>;
  /** Aborted on cancel or shutdown: training stops at the next batch. */
  signal: AbortSignal;
  progress: ProgressReporter;
  log: (line: string) => Promise<void>;
}

/** Defaults of a job's data and tokenizer sections (the model's live in @newscell/models). */
const DATA_DEFAULTS = { validationFraction: 0.1, seed: 42 };
const TOKENIZER_DEFAULTS = { minFrequency: 2, maxVocabulary: 30_000, maxLength: 48, stem: false };

/** The checkpoint directory of a job: crash-safe resume is keyed by job id. */
export function checkpointDir(checkpointsDir: string, jobId: string): string {
  return join(checkpointsDir, jobId);
}

/** Model id of a job's model: derived from the job id, so a retried job never saves twice. */
export function modelIdFor(data: TrainingJobData, jobId: string): string {
  return `${data.model.cell}-job${jobId}`;
}

/**
 * Runs one training job end to end: data → vocabulary → embeddings → model → evaluation →
 * registry. Resumes from the job's checkpoint when one exists (the job was interrupted) and removes
 * it once the model is saved.
 */
export async function runTrainingJob(
  data: TrainingJobData,
  ctx: TrainingJobContext,
): Promise<TrainingResult> {
  const { progress, signal } = ctx;
  const dataSettings = { ...DATA_DEFAULTS, ...data.data };
  const tokenizerSettings = { ...TOKENIZER_DEFAULTS, ...data.tokenizer };

  await progress.phase('loading');
  const backend = await initBackend();
  const corpus = await loadAgNews({
    validationFraction: dataSettings.validationFraction,
    seed: dataSettings.seed,
    ...(dataSettings.trainPerClass === undefined
      ? {}
      : { trainLimit: { perClass: dataSettings.trainPerClass } }),
    ...(dataSettings.testPerClass === undefined
      ? {}
      : { testLimit: { perClass: dataSettings.testPerClass } }),
  });
  await ctx.log(
    `data: ${corpus.summary.counts.train} train, ${corpus.summary.counts.validation} validation, ${corpus.summary.counts.test} test rows from ${corpus.summary.dir} (${backend.name} backend)`,
  );

  await progress.phase('vocabulary');
  const tokenizer = createTokenizer({ stem: tokenizerSettings.stem });
  const vocabulary = await Vocabulary.build(
    corpus.train.map((e) => e.text),
    {
      tokenizer,
      minFrequency: tokenizerSettings.minFrequency,
      maxSize: tokenizerSettings.maxVocabulary,
    },
  );
  await ctx.log(`vocabulary: ${vocabulary.size} tokens (hash ${vocabulary.hash.slice(0, 12)})`);

  await progress.phase('embeddings');
  const embeddings = await buildEmbeddings(
    data,
    vocabulary,
    corpus.train.map((e) => e.text),
    ctx,
  );
  const config = resolveClassifierConfig({
    ...data.model,
    vocabSize: vocabulary.size,
    maxLength: tokenizerSettings.maxLength,
    ...(embeddings === undefined
      ? {}
      : { embeddingDim: embeddings.dim, embeddingInit: 'pretrained' }),
    seed: data.training?.seed ?? 42,
  });
  const encode = (examples: { text: string; label: number }[]) => ({
    ids: vocabulary.encodeBatch(
      examples.map((e) => e.text),
      { maxLength: config.maxLength, padding: 'pre', truncation: 'post' },
    ).ids,
    labels: Int32Array.from(examples, (e) => e.label),
  });
  const train = encode(corpus.train);
  const validation = encode(corpus.validation);
  const test = encode(corpus.test);

  const classifier = buildClassifier(
    config,
    embeddings === undefined ? {} : { embeddings: embeddings.data },
  );
  const checkpoints = checkpointDir(ctx.config.checkpointsDir, ctx.jobId);
  const resumeFrom = (await readResumableCheckpoint(checkpoints, ctx)) ?? undefined;
  if (resumeFrom !== undefined) {
    progress.restoreHistory(resumeFrom.history.map(toEpochRecord));
    await ctx.log(`resuming from the checkpoint after epoch ${resumeFrom.epochsCompleted}`);
  }
  try {
    const epochs = data.training?.epochs ?? 10;
    await progress.phase('training', { epochs, epoch: resumeFrom?.epochsCompleted ?? 0 });
    const training = await trainClassifier({
      classifier,
      train,
      validation,
      options: { ...data.training, epochs, progressThrottleMs: 250 },
      signal,
      ...(resumeFrom === undefined ? {} : { resumeFrom }),
      onBatchEnd: (b) =>
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
      onEpochEnd: (e) =>
        progress.epochEnd(toEpochRecord(e), {
          epoch: e.epoch,
          valLoss: e.validationLoss ?? null,
          valAccuracy: e.validationAccuracy ?? null,
          etaSeconds: e.etaSeconds,
        }),
      onCheckpoint: (checkpoint) => writeCheckpoint(checkpoints, checkpoint),
    });
    if (training.stopReason === 'aborted') {
      throw new NewscellError(
        'JOB_CANCELLED',
        `training stopped: ${String(signal.reason ?? 'aborted')}`,
      );
    }

    await progress.phase('evaluating');
    const evaluation = evaluateClassifier(classifier, test);
    const inference = measureInference(classifier, test.ids);
    const report = buildModelReport({
      classifier,
      backend,
      training,
      test: evaluation.metrics,
      inference,
    });

    await progress.phase('saving');
    const modelId = modelIdFor(data, ctx.jobId);
    await saveClassifier(join(ctx.config.modelsDir, modelId), classifier, {
      id: modelId,
      backend,
      vocabularyHash: vocabulary.hash,
      datasetSplitHash: sha256(JSON.stringify(corpus.summary)),
      vocabulary: vocabulary.toJSON(),
      tokenizerOptions: tokenizer.options,
      metrics: {
        ...report,
        job: { id: ctx.jobId, name: data.name ?? null, tags: data.tags ?? [] },
        data: corpus.summary,
      },
      predictions: evaluation.predictions,
      overwrite: true,
    });
    await rm(checkpoints, { recursive: true, force: true });
    await ctx.log(
      `saved model ${modelId}: test accuracy ${(evaluation.metrics.accuracy * 100).toFixed(2)}%`,
    );
    return {
      modelId,
      cell: config.cell,
      accuracy: evaluation.metrics.accuracy,
      macroF1: evaluation.metrics.macroF1,
      logLoss: evaluation.metrics.logLoss,
      epochs: training.epochsCompleted,
      trainingSeconds: training.trainingSeconds,
      samplesPerSecond: training.samplesPerSecond,
      parameterCount: report.parameterCount,
      resumedFromEpoch: resumeFrom?.epochsCompleted ?? 0,
    };
  } finally {
    classifier.model.dispose();
  }
}

/** The job's checkpoint; a corrupt one is logged and set aside (training starts over), never fatal. */
async function readResumableCheckpoint(dir: string, ctx: TrainingJobContext) {
  try {
    return await readCheckpoint(dir);
  } catch (error) {
    await ctx.log(`checkpoint unusable, training from the start: ${failureReason(error)}`);
    await rm(dir, { recursive: true, force: true });
    return null;
  }
}

async function buildEmbeddings(
  data: TrainingJobData,
  vocabulary: Vocabulary,
  texts: string[],
  ctx: TrainingJobContext,
): Promise<EmbeddingMatrix | undefined> {
  const source = data.embeddings ?? { source: 'random' as const };
  if (source.source === 'random') return undefined;
  if (source.source === 'pretrained') {
    const { matrix, coverage } = await loadPretrainedEmbeddings(
      join(ctx.config.embeddingsDir, source.file),
      vocabulary,
    );
    await ctx.log(`pretrained vectors ${source.file}: ${JSON.stringify(coverage)}`);
    return matrix;
  }
  const { embeddings, stats } = await trainSkipGram(texts, vocabulary, {
    dim: data.model.embeddingDim ?? 64,
    ...(source.window === undefined ? {} : { window: source.window }),
    ...(source.negatives === undefined ? {} : { negatives: source.negatives }),
    ...(source.epochs === undefined ? {} : { epochs: source.epochs }),
    seed: data.training?.seed ?? 42,
    signal: ctx.signal,
  });
  await ctx.log(`skip-gram embeddings: ${JSON.stringify(stats)}`);
  return embeddings;
}

function toEpochRecord(e: {
  epoch: number;
  loss: number;
  accuracy: number;
  validationLoss?: number;
  validationAccuracy?: number;
  seconds: number;
}) {
  return {
    epoch: e.epoch,
    loss: e.loss,
    accuracy: e.accuracy,
    valLoss: e.validationLoss ?? null,
    valAccuracy: e.validationAccuracy ?? null,
    seconds: e.seconds,
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
