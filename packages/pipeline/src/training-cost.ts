import { AG_NEWS_CLASS_COUNT } from '@newscell/contracts';
import { CELL_GATES, countClassifierParameters, resolveClassifierConfig } from '@newscell/models';
import type { ResolvedTrainingSpec } from './resolve-training-spec.js';

/**
 * The data a run sees, as far as its cost goes. Before a run (the API) these are upper bounds
 * for AG News (`AG_NEWS_BOUNDS`); inside a run, once data and vocabulary are known, the real ones.
 */
export interface TrainingDataSize {
  /** Training rows, validation rows included (they are split off these). */
  trainRows: number;
  testRows: number;
  /** Rows of the embedding matrix before `maxVocabulary` caps them (distinct tokens + 2). */
  vocabularySize: number;
  /** Tokens per training text, untruncated (skip-gram reads whole texts). */
  meanTokensPerText: number;
}

/**
 * The largest AG News can be: 120,000 training rows (30,000 per class) and 7,600 test rows.
 * Its training texts have under 100,000 distinct tokens (torchtext's basic_english vocabulary of
 * them has 95,811), so a `maxVocabulary` above that cannot make the embedding matrix larger.
 * Texts have 39 tokens on average (measured on the 10,304-row subset; the longest 175).
 */
export const AG_NEWS_BOUNDS: TrainingDataSize = {
  trainRows: 120_000,
  testRows: 7_600,
  vocabularySize: 100_000,
  meanTokensPerText: 40,
};

/** What one training run costs, estimated from its resolved spec before anything is allocated. */
export interface TrainingCostEstimate {
  parameters: number;
  /**
   * Peak bytes while training: the encoded rows, the weights with their gradients and Adam's
   * two moments, and one batch's activations (the saved gate activations, hidden and cell states
   * of every step, and as much again for their gradients in backprop through time); or the
   * skip-gram tables when they are larger.
   */
  memoryBytes: number;
  /** Floating-point operations of the whole run: skip-gram, every epoch (forward, backward, Adam), the test evaluation. */
  flops: number;
  /** The parts, for messages and tests. */
  breakdown: {
    dataBytes: number;
    weightStateBytes: number;
    activationBytes: number;
    skipGramBytes: number;
    flopsPerEpoch: number;
    skipGramFlops: number;
  };
}

const FLOAT_BYTES = 4;
/** Multiply-adds count two operations; elementwise work per gate unit and step (activations, products). */
const ELEMENTWISE_FLOPS_PER_GATE_UNIT = 10;
/** Adam, the gradient norm and the clipping per trainable weight and step. */
const OPTIMIZER_FLOPS_PER_WEIGHT = 12;

/**
 * Estimates parameter count, peak training memory and compute of a resolved spec. A pure
 * function of the spec and the data size (AG News' upper bounds unless the real sizes are given),
 * meant to be an overestimate within a small factor, never an underestimate by much: the API
 * refuses a job on it before enqueueing and `runTraining` checks it again.
 */
export function estimateTrainingCost(
  spec: ResolvedTrainingSpec,
  data: TrainingDataSize = AG_NEWS_BOUNDS,
): TrainingCostEstimate {
  const { model, training, tokenizer } = spec;
  const perClass = (n: number | undefined, all: number) =>
    n === undefined ? all : Math.min(all, n * AG_NEWS_CLASS_COUNT);
  const rows = perClass(spec.data.trainPerClass, data.trainRows);
  const validationRows = Math.round(rows * spec.data.validationFraction);
  const trainRows = rows - validationRows;
  const testRows = perClass(spec.data.testPerClass, data.testRows);
  const vocabSize = Math.max(2, Math.min(tokenizer.maxVocabulary, data.vocabularySize));
  const config = resolveClassifierConfig({
    ...model,
    vocabSize,
    maxLength: tokenizer.maxLength,
  });
  const counts = countClassifierParameters(config);

  const B = training.batchSize;
  const T = config.maxLength;
  const E = config.embeddingDim;
  const H = config.hiddenUnits;
  const D = config.bidirectional ? 2 : 1;

  // Per token: floats kept for backprop and their gradients; FLOPs of the forward pass.
  let floatsPerToken = 2 * E;
  let forwardFlopsPerToken = E;
  if (config.cell !== 'bow') {
    const G = CELL_GATES[config.cell];
    const cellState = config.cell === 'lstm' ? H : 0;
    let input = E;
    for (let i = 0; i < config.layers; i++) {
      // Input projection, saved gate activations, hidden (and cell) states, per direction;
      // a reversed input and the concatenated output for a bidirectional layer.
      const saved = D * (2 * G * H + H + cellState) + (D === 2 ? input + D * H : 0);
      floatsPerToken += 2 * saved;
      forwardFlopsPerToken +=
        D * (2 * G * H * (input + H) + ELEMENTWISE_FLOPS_PER_GATE_UNIT * G * H);
      input = D * H;
    }
  }
  const features = config.cell === 'bow' ? E : D * H;
  const forwardFlopsPerText =
    T * forwardFlopsPerToken + T * features + 2 * features * config.numClasses;

  const dataBytes = 4 * T * (rows + testRows);
  const weightStateBytes = FLOAT_BYTES * (counts.total + 3 * counts.trainable); // weights, gradients, Adam m and v
  const activationBytes = FLOAT_BYTES * B * T * floatsPerToken;

  const skipGram = spec.embeddings.source === 'skipgram' ? spec.embeddings : undefined;
  // Input and output vectors of every vocabulary entry.
  const skipGramBytes = skipGram === undefined ? 0 : 2 * FLOAT_BYTES * vocabSize * E;
  // Per (centre, context) pair: one positive and `negatives` negative dot products and updates.
  const skipGramFlops =
    skipGram === undefined
      ? 0
      : skipGram.epochs *
        trainRows *
        data.meanTokensPerText *
        2 *
        skipGram.window *
        (skipGram.negatives + 1) *
        6 *
        E;

  const steps = Math.ceil(trainRows / B);
  const flopsPerEpoch =
    3 * trainRows * forwardFlopsPerText + // forward + backward ≈ 3 forward passes
    validationRows * forwardFlopsPerText +
    steps * OPTIMIZER_FLOPS_PER_WEIGHT * counts.trainable;
  const flops = skipGramFlops + training.epochs * flopsPerEpoch + testRows * forwardFlopsPerText;

  return {
    parameters: counts.total,
    memoryBytes: dataBytes + Math.max(weightStateBytes + activationBytes, skipGramBytes),
    flops,
    breakdown: {
      dataBytes,
      weightStateBytes,
      activationBytes,
      skipGramBytes,
      flopsPerEpoch,
      skipGramFlops,
    },
  };
}
