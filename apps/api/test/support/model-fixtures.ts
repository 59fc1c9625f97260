import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  buildClassifier,
  type ClassifierModel,
  initBackend,
  type Predictions,
  saveClassifier,
  TEXT_ENCODING,
  trainClassifier,
} from '@newscell/models';
import { topicTexts } from '@newscell/test-fixtures';
import { createTokenizer, Vocabulary } from '@newscell/tokenizer';

/** Texts a fixture model classifies by their topic words, one per class in turn. */
export const TOPIC_TEXTS = [
  'minister meets rebels at the embassy',
  'striker scores late goal in the match',
  'investors cheer merger as profit rises',
  'researchers release new browser software',
];

const MAX_LENGTH = 8;
interface Trained {
  classifier: ClassifierModel;
  vocabulary: Vocabulary;
  tokenizerOptions: unknown;
}
const trained = new Map<string, Promise<Trained>>();

/** One tiny trained classifier per cell per test process, shared by every fixture of that cell. */
function trainedFor(cell: 'bow' | 'gru'): Promise<Trained> {
  let t = trained.get(cell);
  if (t === undefined) {
    t = (async () => {
      await initBackend({ log: () => {} });
      const train = topicTexts(160, 1);
      const tokenizer = createTokenizer();
      const vocabulary = await Vocabulary.build(train.texts, { tokenizer });
      const classifier = buildClassifier({
        cell,
        vocabSize: vocabulary.size,
        embeddingDim: 8,
        hiddenUnits: 4,
        bidirectional: false,
        maxLength: MAX_LENGTH,
      });
      const encode = (d: { texts: string[]; labels: number[] }) => ({
        ids: vocabulary.encodeBatch(d.texts, { maxLength: MAX_LENGTH, ...TEXT_ENCODING }).ids,
        labels: Int32Array.from(d.labels),
      });
      await trainClassifier({
        classifier,
        train: encode(train),
        validation: encode(topicTexts(20, 2)),
        options: { epochs: cell === 'bow' ? 8 : 3, batchSize: 16, learningRate: 0.05, patience: 0 },
      });
      return { classifier, vocabulary, tokenizerOptions: tokenizer.options };
    })();
    trained.set(cell, t);
  }
  return t;
}

export interface FixtureModel {
  id: string;
  cell: 'bow' | 'gru';
  /** @defaultValue now */
  created?: Date;
  /** Replace an existing directory of that id. @defaultValue false */
  overwrite?: boolean;
  /** Test figures written to metrics.json; `null` writes no metrics.json at all. */
  metrics?: {
    accuracy: number;
    macroF1: number;
    trainingSeconds: number;
    samplesPerSecond: number;
    parameterCount: number;
    msPerTextBatch1: number;
    msPerTextBatch64: number;
  } | null;
  /** Written as `predictions.json` (what disagreements read). @defaultValue none */
  predictions?: Predictions;
  /** The data settings recorded as metrics.json `spec.data`, as the worker records them. @defaultValue none */
  data?: { seed: number; validationFraction: number; testPerClass?: number };
  /** metrics.json `job`; null as the CLI and the dashboard's fixtures write it. @defaultValue a fixture job */
  job?: { id: string; name: string | null; tags: string[] } | null;
}

/**
 * Writes a real model directory (trained weights, vocabulary, manifest) under `modelsDir`, with
 * the worker's `metrics.json` shape holding the given figures, so list/compare results are known.
 */
export async function writeFixtureModel(modelsDir: string, spec: FixtureModel): Promise<string> {
  const { classifier, vocabulary, tokenizerOptions } = await trainedFor(spec.cell);
  const backend = await initBackend({ log: () => {} });
  const m = spec.metrics === undefined ? defaultMetrics : spec.metrics;
  const dir = join(modelsDir, spec.id);
  await saveClassifier(dir, classifier, {
    id: spec.id,
    backend,
    vocabularyHash: vocabulary.hash,
    datasetSplitHash: 'fixture',
    vocabulary: vocabulary.toJSON(),
    tokenizerOptions,
    ...(spec.created === undefined ? {} : { created: spec.created }),
    overwrite: spec.overwrite ?? false,
    ...(spec.predictions === undefined ? {} : { predictions: spec.predictions }),
    metrics:
      m === null
        ? undefined
        : {
            cell: spec.cell,
            parameterCount: m.parameterCount,
            backend: { name: backend.name, version: backend.version },
            test: {
              n: 8,
              accuracy: m.accuracy,
              macroF1: m.macroF1,
              logLoss: 0.5,
              perClass: ['World', 'Sports', 'Business', 'Sci/Tech'].map((label) => ({
                label,
                precision: 1,
                recall: 1,
                f1: 1,
                support: 2,
              })),
              confusionMatrix: [
                [2, 0, 0, 0],
                [0, 2, 0, 0],
                [0, 0, 2, 0],
                [0, 0, 0, 2],
              ],
            },
            training: {
              seconds: m.trainingSeconds,
              samplesPerSecond: m.samplesPerSecond,
              epochsCompleted: 2,
              stopReason: 'completed',
              bestEpoch: 2,
              bestValidationLoss: 0.4,
              history: [
                { epoch: 1, loss: 1.2, accuracy: 0.5, samplesPerSecond: 900, seconds: 1 },
                {
                  epoch: 2,
                  loss: 0.6,
                  accuracy: 0.8,
                  validationLoss: 0.4,
                  validationAccuracy: 0.85,
                  samplesPerSecond: 1000,
                  seconds: 1,
                },
              ],
            },
            inference: {
              msPerTextBatch1: m.msPerTextBatch1,
              msPerTextBatch64: m.msPerTextBatch64,
              runs: 5,
            },
            job:
              spec.job === undefined
                ? { id: `job-${spec.id}`, name: `fixture ${spec.id}`, tags: ['fixture'] }
                : spec.job,
            data: { source: 'fixture' },
            ...(spec.data === undefined ? {} : { spec: { data: spec.data } }),
          },
  });
  return dir;
}

const defaultMetrics = {
  accuracy: 0.9,
  macroF1: 0.89,
  trainingSeconds: 10,
  samplesPerSecond: 1000,
  parameterCount: 500,
  msPerTextBatch1: 1,
  msPerTextBatch64: 0.1,
};

/** Breaks a model's weights in place (same size, different bytes): the manifest check fails. */
export async function corruptWeights(modelDir: string): Promise<void> {
  const { readFile } = await import('node:fs/promises');
  const file = join(modelDir, 'weights.bin');
  const bytes = await readFile(file);
  bytes[0] = (bytes[0] ?? 0) ^ 0xff;
  await writeFile(file, bytes);
}
