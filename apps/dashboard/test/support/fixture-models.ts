import { join } from 'node:path';
import type { CellType } from '@newscell/contracts';
import {
  buildClassifier,
  buildModelReport,
  evaluateClassifier,
  initBackend,
  measureInference,
  saveClassifier,
  TEXT_ENCODING,
  trainClassifier,
} from '@newscell/models';
import { topicTexts as topicTextsOf } from '@newscell/test-fixtures';
import { createTokenizer, Vocabulary } from '@newscell/tokenizer';

/** Mostly filler (35% topic words), so the tiny models stay imperfect and their figures differ. */
export const topicTexts = (n: number, seed: number) => topicTextsOf(n, seed, { topicShare: 0.35 });

export interface FixtureModel {
  id: string;
  cell: CellType;
  accuracy: number;
  macroF1: number;
  parameterCount: number;
  trainingSeconds: number;
  trainingRows: number;
  confusionMatrix: number[][];
  epochs: number;
}

const MAX_LENGTH = 8;

/**
 * Trains and saves tiny models the way the worker does (same `metrics.json` report, a data
 * summary with the row counts), so the API lists them exactly as it would real ones.
 */
export async function writeFixtureModels(
  modelsDir: string,
  specs: { id: string; cell: CellType; seed: number; trainRows: number; epochs: number }[],
): Promise<FixtureModel[]> {
  const backend = await initBackend({ backend: 'wasm', log: () => {} });
  const tokenizer = createTokenizer();
  const out: FixtureModel[] = [];
  const test = topicTexts(80, 99);
  for (const spec of specs) {
    const train = topicTexts(spec.trainRows, spec.seed);
    const vocabulary = await Vocabulary.build(train.texts, { tokenizer });
    const encode = (d: { texts: string[]; labels: number[] }) => ({
      ids: vocabulary.encodeBatch(d.texts, { maxLength: MAX_LENGTH, ...TEXT_ENCODING }).ids,
      labels: Int32Array.from(d.labels),
    });
    const classifier = buildClassifier({
      cell: spec.cell,
      vocabSize: vocabulary.size,
      embeddingDim: 8,
      hiddenUnits: 8,
      maxLength: MAX_LENGTH,
      seed: spec.seed,
    });
    const testData = encode(test);
    const training = await trainClassifier({
      classifier,
      train: encode(train),
      validation: encode(topicTexts(40, spec.seed + 1000)),
      options: { epochs: spec.epochs, batchSize: 16, learningRate: 0.05, patience: 0 },
    });
    const evaluation = evaluateClassifier(classifier, testData);
    const report = buildModelReport({
      classifier,
      backend,
      training,
      test: evaluation.metrics,
      inference: measureInference(classifier, testData.ids, 2),
    });
    await saveClassifier(join(modelsDir, spec.id), classifier, {
      id: spec.id,
      backend,
      vocabularyHash: vocabulary.hash,
      datasetSplitHash: 'synthetic',
      vocabulary: vocabulary.toJSON(),
      tokenizerOptions: tokenizer.options,
      metrics: {
        ...report,
        job: null,
        data: { counts: { train: train.texts.length, validation: 40, test: test.texts.length } },
      },
      predictions: evaluation.predictions,
    });
    classifier.model.dispose();
    out.push({
      id: spec.id,
      cell: spec.cell,
      accuracy: evaluation.metrics.accuracy,
      macroF1: evaluation.metrics.macroF1,
      parameterCount: report.parameterCount,
      trainingSeconds: report.training.seconds,
      trainingRows: train.texts.length,
      confusionMatrix: evaluation.metrics.confusionMatrix,
      epochs: training.epochsCompleted,
    });
  }
  return out;
}
