import type { ClassifierConfig } from './classifier-config.js';

/** Gate blocks per recurrent cell: the width of its kernels is `gates × hiddenUnits`. */
export const CELL_GATES = { rnn: 1, gru: 3, lstm: 4 } as const;

/** Weights of each part of a classifier built from a config, without building it. */
export interface ClassifierParameterCounts {
  embedding: number;
  /** One entry per recurrent layer, both directions together (empty for `bow`). */
  recurrent: number[];
  output: number;
  total: number;
  /** Weights updated by training (`embedding` drops out when it is frozen). */
  trainable: number;
}

/**
 * The parameter count `buildClassifier(config)` will have, from the config alone: what a model
 * costs can be known (and refused) before a tensor is allocated. A recurrent layer per direction
 * has `gates × units × (input + units + 1)` weights (kernel, recurrent kernel, bias), the same
 * for the fused layers and tfjs-layers' cells; the output layer `(features + 1) × classes`.
 */
export function countClassifierParameters(config: ClassifierConfig): ClassifierParameterCounts {
  const embedding = config.vocabSize * config.embeddingDim;
  const recurrent: number[] = [];
  let features = config.embeddingDim;
  if (config.cell !== 'bow') {
    const directions = config.bidirectional ? 2 : 1;
    const gates = CELL_GATES[config.cell];
    const units = config.hiddenUnits;
    for (let i = 0; i < config.layers; i++) {
      recurrent.push(directions * gates * units * (features + units + 1));
      features = directions * units;
    }
  }
  const output = (features + 1) * config.numClasses;
  const total = embedding + recurrent.reduce((a, b) => a + b, 0) + output;
  return {
    embedding,
    recurrent,
    output,
    total,
    trainable: config.embeddingTrainable ? total : total - embedding,
  };
}
