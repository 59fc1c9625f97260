import path from 'node:path';
import { NewscellError } from '@newscell/contracts';
import type { ClassifierConfig } from './classifier-config.js';
import { countClassifierParameters } from './classifier-size.js';

/** Layer classes `buildClassifier` writes; TensorFlow.js would build any other it knows. */
const KNOWN_LAYERS = new Set([
  'InputLayer',
  'Embedding',
  'NewscellFusedRecurrent',
  'LSTM',
  'GRU',
  'SimpleRNN',
  'Bidirectional',
  'NewscellMaskedGlobalPooling1D',
  'Dropout',
  'Dense',
]);
const RECURRENT_LAYERS = new Set(['NewscellFusedRecurrent', 'LSTM', 'GRU', 'SimpleRNN']);

type Json = Record<string, unknown>;

/**
 * Checks what `model.json` and `weights.bin` claim against `config.json` before TensorFlow.js
 * builds anything: loading allocates every layer's variables from the topology's sizes first, so
 * a topology claiming a 4,000,000,000-row embedding would exhaust memory before a weight is read.
 * `weights.bin` must hold exactly the config's parameter count (4 bytes each), the weight specs
 * must add up to it, and every layer must be one `buildClassifier` writes, with the config's
 * sizes. Throws `MODEL_MISMATCH` for a size that disagrees with `config.json` and
 * `MODEL_CORRUPT` for content no newscell model has, naming file, layer and field.
 */
export function checkSavedShapes(
  dir: string,
  modelJson: unknown,
  config: ClassifierConfig,
  weightsBytes: number,
): void {
  const fail =
    (code: 'MODEL_CORRUPT' | 'MODEL_MISMATCH') =>
    (message: string, file = 'model.json'): never => {
      throw new NewscellError(code, `${dir}${path.sep}${message}`, { details: { file } });
    };
  // Malformed content is corrupt; sizes that disagree with config.json are a mismatch (as the
  // check after loading has always called them).
  const corrupt = fail('MODEL_CORRUPT');
  const mismatch = fail('MODEL_MISMATCH');
  const expected = countClassifierParameters(config).total;
  if (weightsBytes !== expected * 4) {
    mismatch(
      `weights.bin holds ${weightsBytes / 4} weights but config.json describes ${expected}`,
      'weights.bin',
    );
  }
  const json = asObject(modelJson);
  const specs = (Array.isArray(json?.weightsManifest) ? json.weightsManifest : []).flatMap(
    (group) => {
      const weights = asObject(group)?.weights;
      return Array.isArray(weights) ? weights : [];
    },
  );
  let declared = 0;
  for (const spec of specs) {
    const shape = asObject(spec)?.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      corrupt(
        `model.json: weight ${String(asObject(spec)?.name)} has shape ${JSON.stringify(shape)}`,
      );
    }
    declared += (shape as number[]).reduce((a, b) => a * b, 1);
  }
  if (declared !== expected) {
    mismatch(`model.json declares ${declared} weights but config.json describes ${expected}`);
  }
  const layers = asObject(asObject(json?.modelTopology)?.config)?.layers;
  if (!Array.isArray(layers)) corrupt('model.json: modelTopology has no layer list');
  for (const layer of layers as unknown[]) checkLayer(asObject(layer), config, corrupt, mismatch);
}

function checkLayer(
  layer: Json | undefined,
  config: ClassifierConfig,
  corrupt: (message: string) => never,
  mismatch: (message: string) => never,
): void {
  const className = String(layer?.class_name);
  const layerConfig = asObject(layer?.config) ?? {};
  const name = String(layerConfig.name ?? layer?.name ?? className);
  if (!KNOWN_LAYERS.has(className)) {
    corrupt(`model.json: layer ${name} is a ${className}, which newscell never writes`);
  }
  const expect = (field: string, value: unknown, configField: keyof ClassifierConfig) => {
    if (value !== config[configField]) {
      mismatch(
        `model.json: layer ${name} ${field} ${JSON.stringify(value)} ≠ config.json ${configField} ${config[configField]}`,
      );
    }
  };
  const shape = layerConfig.batch_input_shape;
  if (shape !== undefined) {
    const length = Array.isArray(shape) ? shape[1] : shape;
    expect('batch_input_shape[1]', length, 'maxLength');
  }
  switch (className) {
    case 'Embedding':
      expect('input_dim', layerConfig.input_dim, 'vocabSize');
      expect('output_dim', layerConfig.output_dim, 'embeddingDim');
      break;
    case 'Bidirectional':
      checkLayer(asObject(layerConfig.layer), config, corrupt, mismatch);
      break;
    case 'Dense':
      expect('units', layerConfig.units, 'numClasses');
      break;
    default:
      if (RECURRENT_LAYERS.has(className)) expect('units', layerConfig.units, 'hiddenUnits');
  }
}

function asObject(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : undefined;
}
