import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  type EpochRecord,
  isNewscellError,
  NewscellError,
  TRAINING_BUDGET_DEFAULTS,
  type TrainingBudget,
  type TrainingPhase,
  type TrainingResult,
} from '@newscell/contracts';
import type { AgNewsDataSummary, AgNewsExample } from '@newscell/dataset';
import {
  type BackendInfo,
  type BatchProgress,
  buildClassifier,
  buildModelReport,
  type ClassificationMetrics,
  type EpochProgress,
  evaluateClassifier,
  initBackend,
  type ModelReport,
  measureInference,
  readCheckpoint,
  resolveClassifierConfig,
  resolveTrainingOptions,
  saveClassifier,
  TEXT_ENCODING,
  trainClassifier,
  writeCheckpoint,
} from '@newscell/models';
import type { Vocabulary } from '@newscell/tokenizer';
import { loadCorpusStage } from './corpus-stage.js';
import { buildEmbeddingsStage, type EmbeddingsStage } from './embeddings-stage.js';
import type { CacheOutcome, PipelineCache } from './pipeline-cache.js';
import { type ResolvedTrainingSpec, resolveTrainingSpec } from './resolve-training-spec.js';
import { carriedVocabulary, resumeInputs } from './resume-inputs.js';
import { checkTrainingBudget } from './training-budget.js';
import { AG_NEWS_BOUNDS, estimateTrainingCost } from './training-cost.js';
import { buildVocabularyStage, type VocabularyStage } from './vocabulary-stage.js';

export interface RunTrainingContext {
  /** Registry folder; the model is saved as `<modelsDir>/<modelId>`. */
  modelsDir: string;
  /** @defaultValue `<cell>-<UTC timestamp>-<random>` */
  modelId?: string;
  /**
   * Epoch checkpoints go here and a checkpoint found here is resumed; removed once the model is
   * saved. @defaultValue none: no checkpoints, no resume
   */
  checkpointDir?: string;
  /** Folder of pretrained vector files (`embeddings.source = 'pretrained'`). @defaultValue `var/embeddings` */
  embeddingsDir?: string;
  /** AG News folder. @defaultValue `AGNEWS_DIR`, else `./data/ag_news`, else a download */
  agNewsDir?: string;
  /** Aborting stops training at the next batch; the run then throws `JOB_CANCELLED`. */
  signal?: AbortSignal;
  /** Keeps data, vocabulary and embeddings for the next run in this process. @defaultValue none */
  cache?: PipelineCache;
  /** What happened, in words, one line at a time. */
  log?: (line: string) => void | Promise<void>;
  onPhase?: (phase: TrainingPhase, info: { epoch?: number; epochs?: number }) => unknown;
  /** Training resumes from a checkpoint: the epochs it already finished. */
  onResume?: (history: EpochRecord[]) => unknown;
  /** Throttled by `progressThrottleMs`. */
  onBatch?: (progress: BatchProgress) => unknown;
  onEpoch?: (progress: EpochProgress, record: EpochRecord) => unknown;
  /** @defaultValue 250 */
  progressThrottleMs?: number;
  /** Extra fields merged into `metrics.json` (e.g. the job's id, name and tags). */
  metricsExtra?: Record<string, unknown>;
  /** Replace an existing model directory of the same id. @defaultValue false */
  overwrite?: boolean;
  /**
   * Largest run accepted: checked on the spec before any data is read, and again with the real
   * row counts and vocabulary before the model is built (`LIMIT_EXCEEDED`).
   * @defaultValue `TRAINING_BUDGET_DEFAULTS`
   */
  budget?: TrainingBudget;
}

/** Seconds spent in each stage of one run (a cache hit makes a stage near 0). */
export interface StageTimings {
  data: number;
  vocabulary: number;
  embeddings: number;
  training: number;
  evaluation: number;
  saving: number;
}

export interface TrainingRun {
  /** What the worker returns for a job (the contract's result). */
  result: TrainingResult;
  modelId: string;
  modelDir: string;
  /** The spec with every default filled in, as stored in `metrics.json`. */
  spec: ResolvedTrainingSpec;
  report: ModelReport;
  test: ClassificationMetrics;
  history: EpochRecord[];
  backend: BackendInfo;
  data: AgNewsDataSummary;
  timings: StageTimings;
  /** Whether each cached stage was a hit (null: the stage was not cached, e.g. random embeddings). */
  cache: { dataset: boolean; vocabulary: boolean; embeddings: boolean | null };
}

/**
 * Runs one training end to end: data → vocabulary → embeddings → model → train (with epoch
 * checkpoints when `checkpointDir` is set) → evaluate on the test rows → save to the registry.
 * The worker, `newscell train` and the accuracy benchmark all train through this function.
 */
export async function runTraining(spec: unknown, ctx: RunTrainingContext): Promise<TrainingRun> {
  const resolved = resolveTrainingSpec(spec);
  const log = async (line: string) => {
    await ctx.log?.(line);
  };
  const phase = async (p: TrainingPhase, info: { epoch?: number; epochs?: number } = {}) => {
    await ctx.onPhase?.(p, info);
  };
  const throttle = ctx.progressThrottleMs ?? 250;
  // Fail on a bad combination (e.g. bow with last-state pooling) before any data is read.
  resolveClassifierConfig({ ...resolved.model, vocabSize: 2, maxLength: 1 });
  const budget = ctx.budget ?? TRAINING_BUDGET_DEFAULTS;
  checkTrainingBudget(estimateTrainingCost(resolved), budget);
  const trainingOptions = resolveTrainingOptions({
    ...resolved.training,
    progressThrottleMs: throttle,
  });
  const timings: StageTimings = {
    data: 0,
    vocabulary: 0,
    embeddings: 0,
    training: 0,
    evaluation: 0,
    saving: 0,
  };

  await phase('loading');
  const backend = await initBackend();
  const {
    corpus,
    keyParts: corpusKey,
    outcome: corpusOutcome,
  } = await loadCorpusStage(resolved, {
    ...(ctx.agNewsDir === undefined ? {} : { agNewsDir: ctx.agNewsDir }),
    ...(ctx.cache === undefined ? {} : { cache: ctx.cache }),
  });
  timings.data = corpusOutcome.seconds;
  const counts = corpus.summary.counts;
  await log(
    `data: ${counts.train} train, ${counts.validation} validation, ${counts.test} test rows from ${corpus.summary.dir} (${backend.name} backend); ${cacheNote(corpusOutcome, ctx.cache)}`,
  );

  const datasetSplitHash = sha256(JSON.stringify(corpus.summary));
  // The checkpoint first: one this run can resume carries its vocabulary and model config, and
  // its weights replace the initial embeddings, so neither stage is redone.
  let resumeFrom =
    ctx.checkpointDir === undefined
      ? undefined
      : ((await readResumableCheckpoint(ctx.checkpointDir, log)) ?? undefined);
  const carried =
    resumeFrom === undefined
      ? undefined
      : carriedVocabulary(resumeFrom, resolved, datasetSplitHash);
  if (carried !== undefined && 'reason' in carried && ctx.checkpointDir !== undefined) {
    await log(`checkpoint not resumed, training from the start: ${carried.reason}`);
    await rm(ctx.checkpointDir, { recursive: true, force: true });
    resumeFrom = undefined;
  }
  const fromCheckpoint =
    resumeFrom !== undefined && carried !== undefined && 'vocabulary' in carried
      ? { checkpoint: resumeFrom, vocabulary: carried.vocabulary }
      : undefined;

  await phase('vocabulary');
  let vocabularyStage: VocabularyStage | undefined;
  let vocabulary: Vocabulary;
  if (fromCheckpoint === undefined) {
    vocabularyStage = await buildVocabularyStage(resolved, corpus, corpusKey, ctx.cache);
    vocabulary = vocabularyStage.vocabulary;
    timings.vocabulary = vocabularyStage.outcome.seconds;
    await log(
      `vocabulary: ${vocabulary.size} tokens (hash ${vocabulary.hash.slice(0, 12)}); ${cacheNote(vocabularyStage.outcome, ctx.cache)}`,
    );
  } else {
    vocabulary = fromCheckpoint.vocabulary;
    await log(
      `vocabulary: ${vocabulary.size} tokens (hash ${vocabulary.hash.slice(0, 12)}); from the checkpoint`,
    );
  }

  checkTrainingBudget(
    estimateTrainingCost(resolved, {
      trainRows: counts.train + counts.validation,
      testRows: counts.test,
      vocabularySize: vocabulary.size,
      meanTokensPerText: AG_NEWS_BOUNDS.meanTokensPerText,
    }),
    budget,
  );

  await phase('embeddings');
  const embeddings: EmbeddingsStage =
    vocabularyStage === undefined
      ? { matrix: undefined, outcome: undefined }
      : await buildEmbeddingsStage({
          spec: resolved,
          corpus,
          vocabulary,
          vocabularyKeyParts: vocabularyStage.keyParts,
          embeddingsDir: resolve(ctx.embeddingsDir ?? 'var/embeddings'),
          cache: ctx.cache,
          signal: ctx.signal,
        });
  if (fromCheckpoint !== undefined) {
    await log('embeddings: not rebuilt (the checkpoint holds the trained weights)');
  } else if (embeddings.outcome !== undefined) {
    timings.embeddings = embeddings.outcome.seconds;
    await log(
      `embeddings: ${embeddings.outcome.value.detail}; ${cacheNote(embeddings.outcome, ctx.cache)}`,
    );
  } else {
    await log(`embeddings: random initialisation (${resolved.model.embeddingDim} dims)`);
  }

  const config =
    fromCheckpoint === undefined
      ? resolveClassifierConfig({
          ...resolved.model,
          vocabSize: vocabulary.size,
          maxLength: resolved.tokenizer.maxLength,
          seed: resolved.training.seed,
          ...(embeddings.matrix === undefined
            ? {}
            : { embeddingDim: embeddings.matrix.dim, embeddingInit: 'pretrained' }),
        })
      : resolveClassifierConfig(fromCheckpoint.checkpoint.config);
  // On a resume the checkpoint's weights overwrite the embedding matrix: zeros stand in for it.
  const initialEmbeddings =
    embeddings.matrix?.data ??
    (fromCheckpoint !== undefined && config.embeddingInit === 'pretrained'
      ? new Float32Array(config.vocabSize * config.embeddingDim)
      : undefined);
  const encode = (examples: AgNewsExample[]) => encodeExamples(vocabulary, examples, config);
  const train = encode(corpus.train);
  const validation = encode(corpus.validation);
  const test = encode(corpus.test);

  const classifier = buildClassifier(
    config,
    initialEmbeddings === undefined ? {} : { embeddings: initialEmbeddings },
  );
  try {
    if (resumeFrom !== undefined) {
      await ctx.onResume?.(resumeFrom.history.map(toEpochRecord));
      await log(
        resumeFrom.partialEpoch === undefined
          ? `resuming from the checkpoint after epoch ${resumeFrom.epochsCompleted}`
          : `resuming from the checkpoint after epoch ${resumeFrom.epochsCompleted} and ${resumeFrom.partialEpoch.batchesDone} batches of epoch ${resumeFrom.epochsCompleted + 1}`,
      );
    }
    const checkpointDir = ctx.checkpointDir;
    const checkpointInputs = resumeInputs(resolved, datasetSplitHash, vocabulary);
    await phase('training', {
      epochs: trainingOptions.epochs,
      epoch: resumeFrom?.epochsCompleted ?? 0,
    });
    const training = await trainClassifier({
      classifier,
      train,
      validation,
      options: trainingOptions,
      ...(ctx.signal === undefined ? {} : { signal: ctx.signal }),
      ...(resumeFrom === undefined ? {} : { resumeFrom }),
      onBatchEnd: async (b) => {
        await ctx.onBatch?.(b);
      },
      onEpochEnd: async (e) => {
        await ctx.onEpoch?.(e, toEpochRecord(e));
      },
      ...(checkpointDir === undefined
        ? {}
        : {
            onCheckpoint: (checkpoint) =>
              writeCheckpoint(checkpointDir, { ...checkpoint, inputs: checkpointInputs }),
          }),
    });
    timings.training = training.trainingSeconds;
    if (training.stopReason === 'aborted') {
      throw new NewscellError(
        'JOB_CANCELLED',
        `training stopped: ${String(ctx.signal?.reason ?? 'aborted')}`,
      );
    }
    await log(
      `training: ${training.epochsCompleted} epochs (${training.stopReason}${training.bestEpoch === null ? '' : `, best epoch ${training.bestEpoch}`}) in ${training.trainingSeconds.toFixed(1)} s, ${Math.round(training.samplesPerSecond)} samples/s`,
    );

    await phase('evaluating');
    let started = performance.now();
    const evaluation = evaluateClassifier(classifier, test);
    const inference = measureInference(classifier, test.ids);
    timings.evaluation = (performance.now() - started) / 1000;
    const report = buildModelReport({
      classifier,
      backend,
      training,
      test: evaluation.metrics,
      inference,
    });

    await phase('saving');
    started = performance.now();
    const modelId = ctx.modelId ?? defaultModelId(config.cell);
    const modelDir = join(ctx.modelsDir, modelId);
    const cacheHits = {
      dataset: corpusOutcome.hit,
      vocabulary: vocabularyStage?.outcome.hit ?? false,
      embeddings: embeddings.outcome?.hit ?? null,
    };
    await saveClassifier(modelDir, classifier, {
      id: modelId,
      backend,
      vocabularyHash: vocabulary.hash,
      datasetSplitHash,
      vocabulary: vocabulary.toJSON(),
      tokenizerOptions: vocabulary.tokenizer.options,
      metrics: {
        ...report,
        spec: resolved,
        data: corpus.summary,
        stageSeconds: timings,
        ...ctx.metricsExtra,
      },
      predictions: evaluation.predictions,
      overwrite: ctx.overwrite ?? false,
    });
    if (ctx.checkpointDir !== undefined) {
      await rm(ctx.checkpointDir, { recursive: true, force: true });
    }
    timings.saving = (performance.now() - started) / 1000;
    await log(
      `saved model ${modelId}: test accuracy ${(evaluation.metrics.accuracy * 100).toFixed(2)}%, macro-F1 ${(evaluation.metrics.macroF1 * 100).toFixed(2)}%`,
    );
    return {
      result: {
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
      },
      modelId,
      modelDir,
      spec: resolved,
      report,
      test: evaluation.metrics,
      history: training.history.map(toEpochRecord),
      backend,
      data: corpus.summary,
      timings,
      cache: cacheHits,
    };
  } finally {
    classifier.model.dispose();
  }
}

/** `<cell>-<UTC timestamp>-<random>`: sortable by time, unique enough for one registry. */
export function defaultModelId(cell: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  return `${cell}-${stamp}-${Math.random().toString(36).slice(2, 8)}`;
}

function encodeExamples(
  vocabulary: Vocabulary,
  examples: AgNewsExample[],
  config: { maxLength: number },
) {
  return {
    ids: vocabulary.encodeBatch(
      examples.map((e) => e.text),
      { maxLength: config.maxLength, ...TEXT_ENCODING },
    ).ids,
    labels: Int32Array.from(examples, (e) => e.label),
  };
}

/** The checkpoint in `dir`; a corrupt one is logged and set aside (training starts over), never fatal. */
async function readResumableCheckpoint(dir: string, log: (line: string) => Promise<void>) {
  try {
    return await readCheckpoint(dir);
  } catch (error) {
    await log(`checkpoint unusable, training from the start: ${describeError(error)}`);
    await rm(dir, { recursive: true, force: true });
    return null;
  }
}

function cacheNote(outcome: CacheOutcome<unknown>, cache: PipelineCache | undefined): string {
  if (cache === undefined) return `took ${outcome.seconds.toFixed(2)} s (no cache)`;
  return outcome.hit
    ? `cache hit ${outcome.key}: ${outcome.seconds.toFixed(3)} s instead of ${outcome.createSeconds.toFixed(2)} s`
    : `cache miss ${outcome.key}: took ${outcome.seconds.toFixed(2)} s`;
}

function describeError(error: unknown): string {
  if (isNewscellError(error)) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

function toEpochRecord(e: {
  epoch: number;
  loss: number;
  accuracy: number;
  validationLoss?: number;
  validationAccuracy?: number;
  seconds: number;
}): EpochRecord {
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
