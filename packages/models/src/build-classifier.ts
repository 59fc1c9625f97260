import { NewscellError } from '@newscell/contracts';
import type { LayersModel, RNN, SymbolicTensor } from '@tensorflow/tfjs-layers';
import {
  type ClassifierConfig,
  type ClassifierConfigInput,
  resolveClassifierConfig,
} from './classifier-config.js';
import { FusedRecurrent } from './fused/fused-recurrent-layer.js';
import { MaskedGlobalPooling1D } from './masked-global-pooling.js';
import { SeededRandom, withSeededMathRandom } from './seeded-random.js';
import { tf, tfl } from './tfjs.js';

/** A TensorFlow.js model together with the configuration that built it. */
export interface ClassifierModel {
  readonly config: ClassifierConfig;
  /** Input `[batch, maxLength]` int32 token ids; output `[batch, numClasses]` probabilities. */
  readonly model: LayersModel;
}

export interface BuildClassifierOptions {
  /**
   * Initial embedding matrix, row-major `[vocabSize × embeddingDim]` (e.g. skip-gram vectors from
   * the tokenizer). Required when `config.embeddingInit` is `'pretrained'`, refused otherwise.
   */
  embeddings?: Float32Array;
}

/** Layer names are part of the saved format (weights are matched by them on load). */
export const LAYER_NAMES = {
  embedding: 'embedding',
  recurrent: (i: number) => `recurrent_${i + 1}`,
  pooling: 'pooling',
  dropout: 'dropout',
  output: 'softmax',
} as const;

/**
 * Builds an untrained classifier from a config (validated, defaults filled in). Weights are
 * initialised from `config.seed`, so the same config builds the same model.
 */
export function buildClassifier(
  input: ClassifierConfigInput | ClassifierConfig,
  options: BuildClassifierOptions = {},
): ClassifierModel {
  const config = resolveClassifierConfig(input);
  checkEmbeddings(config, options.embeddings);
  const model = withSeededMathRandom(new SeededRandom(config.seed), () => buildGraph(config));
  if (options.embeddings !== undefined) {
    const matrix = tf.tensor2d(options.embeddings, [config.vocabSize, config.embeddingDim]);
    model.getLayer(LAYER_NAMES.embedding).setWeights([matrix]);
    matrix.dispose();
  }
  return { config, model };
}

function buildGraph(config: ClassifierConfig): LayersModel {
  const ids = tfl.input({ shape: [config.maxLength], dtype: 'int32', name: 'token_ids' });
  let x = tfl.layers
    .embedding({
      name: LAYER_NAMES.embedding,
      inputDim: config.vocabSize,
      outputDim: config.embeddingDim,
      inputLength: config.maxLength,
      maskZero: config.maskPadding,
      trainable: config.embeddingTrainable,
    })
    .apply(ids) as SymbolicTensor;

  if (config.cell !== 'bow') {
    for (let i = 0; i < config.layers; i++) {
      const last = i === config.layers - 1;
      x = recurrentLayer(config, i, !last || config.pooling !== 'last').apply(x) as SymbolicTensor;
    }
  }
  if (config.cell === 'bow' || config.pooling !== 'last') {
    const mode = config.pooling === 'max' ? 'max' : 'mean';
    x = new MaskedGlobalPooling1D({ mode, name: LAYER_NAMES.pooling }).apply(x) as SymbolicTensor;
  }
  if (config.dropout > 0) {
    x = tfl.layers
      .dropout({ rate: config.dropout, name: LAYER_NAMES.dropout })
      .apply(x) as SymbolicTensor;
  }
  const probabilities = tfl.layers
    .dense({ units: config.numClasses, activation: 'softmax', name: LAYER_NAMES.output })
    .apply(x) as SymbolicTensor;
  return tfl.model({ inputs: ids, outputs: probabilities, name: `newscell_${config.cell}` });
}

function recurrentLayer(config: ClassifierConfig, index: number, returnSequences: boolean) {
  const name = LAYER_NAMES.recurrent(index);
  const args = {
    units: config.hiddenUnits,
    returnSequences,
    dropout: config.dropout,
    recurrentDropout: config.recurrentDropout,
    ...(config.bidirectional ? {} : { name }),
  };
  const layer =
    usesFusedLayers(config) && config.cell !== 'bow'
      ? new FusedRecurrent({ cell: config.cell, ...args })
      : config.cell === 'lstm'
        ? tfl.layers.lstm(args)
        : config.cell === 'gru'
          ? tfl.layers.gru(args)
          : tfl.layers.simpleRNN(args);
  // Bidirectional only reads what FusedRecurrent has too (getConfig, returnSequences, …).
  return config.bidirectional
    ? tfl.layers.bidirectional({ layer: layer as RNN, mergeMode: 'concat', name })
    : layer;
}

/** True when `config`'s recurrent layers are built fused (see `recurrentImplementation`). */
export function usesFusedLayers(config: ClassifierConfig): boolean {
  return (config.recurrentImplementation ?? 'fused') === 'fused' && config.recurrentDropout === 0;
}

function checkEmbeddings(config: ClassifierConfig, embeddings: Float32Array | undefined): void {
  if (config.embeddingInit === 'pretrained' && embeddings === undefined) {
    throw new NewscellError(
      'EMBEDDINGS_INVALID',
      "model config /embeddingInit is 'pretrained' but no embedding matrix was given",
      { details: { field: 'embeddingInit', value: 'pretrained' } },
    );
  }
  if (embeddings === undefined) return;
  if (config.embeddingInit !== 'pretrained') {
    throw new NewscellError(
      'EMBEDDINGS_INVALID',
      `an embedding matrix was given but model config /embeddingInit is '${config.embeddingInit}' (set it to 'pretrained')`,
      { details: { field: 'embeddingInit', value: config.embeddingInit } },
    );
  }
  const expected = config.vocabSize * config.embeddingDim;
  if (embeddings.length !== expected) {
    throw new NewscellError(
      'EMBEDDINGS_INVALID',
      `embedding matrix has ${embeddings.length} values but vocabSize × embeddingDim = ${config.vocabSize} × ${config.embeddingDim} = ${expected}`,
      { details: { length: embeddings.length, expected } },
    );
  }
  const bad = embeddings.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new NewscellError(
      'EMBEDDINGS_INVALID',
      `embedding matrix value at row ${Math.floor(bad / config.embeddingDim)}, column ${bad % config.embeddingDim} is ${embeddings[bad]}`,
      { details: { index: bad } },
    );
  }
}
