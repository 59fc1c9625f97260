import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { NewscellError } from '@newscell/contracts';
import { writeDirectoryAtomically } from './atomic-directory.js';
import type { BackendInfo } from './backend.js';
import { type ClassifierModel, LAYER_NAMES } from './build-classifier.js';
import { type ClassifierConfig, resolveClassifierConfig } from './classifier-config.js';
import type { Predictions } from './evaluate-classifier.js';
import { fileSystemModelHandler, MODEL_JSON, WEIGHTS_BIN } from './file-io-handler.js';
import './masked-global-pooling.js'; // registers the custom layer before any load
import {
  digest,
  MANIFEST_FORMAT_VERSION,
  MANIFEST_JSON,
  type ModelManifest,
  PACKAGE_VERSION,
  verifyModelDirectory,
} from './model-manifest.js';
import { checkSavedShapes } from './saved-shapes.js';
import { tfl } from './tfjs.js';

export const CONFIG_JSON = 'config.json';
export const METRICS_JSON = 'metrics.json';
export const VOCABULARY_JSON = 'vocabulary.json';
export const TOKENIZER_JSON = 'tokenizer.json';
export const PREDICTIONS_JSON = 'predictions.json';

export interface SaveClassifierOptions {
  /** Backend that trained the model (from `initBackend`). */
  backend: BackendInfo;
  /** Hash of the vocabulary the token ids refer to (from the tokenizer). */
  vocabularyHash: string;
  /** Hash of the train/validation/test split the model was trained and scored on. */
  datasetSplitHash: string;
  /** @defaultValue `<cell>-<UTC timestamp>-<random>` */
  id?: string;
  /** Written as `vocabulary.json`; any JSON value (the tokenizer owns its shape). */
  vocabulary?: unknown;
  /** Written as `tokenizer.json`; any JSON value. */
  tokenizerOptions?: unknown;
  /** Written as `metrics.json`; any JSON value. */
  metrics?: unknown;
  /** Written as `predictions.json`. */
  predictions?: Predictions;
  /** Replace an existing directory. @defaultValue false */
  overwrite?: boolean;
  /** @defaultValue now */
  created?: Date;
}

/** A model directory read back. Absent optional files are null. */
export interface LoadedClassifier {
  classifier: ClassifierModel;
  manifest: ModelManifest;
  metrics: unknown | null;
  vocabulary: unknown | null;
  tokenizerOptions: unknown | null;
}

export interface LoadClassifierOptions {
  /** Refuse the model unless its manifest carries this vocabulary hash. */
  vocabularyHash?: string;
}

/**
 * Writes a model directory atomically: `model.json` + `weights.bin` (TensorFlow.js Layers format),
 * `config.json`, the optional JSON files, and last `manifest.json` with the size and SHA-256 of
 * every other file. Returns the manifest.
 */
export async function saveClassifier(
  dir: string,
  classifier: ClassifierModel,
  options: SaveClassifierOptions,
): Promise<ModelManifest> {
  const created = options.created ?? new Date();
  const id =
    options.id ??
    `${classifier.config.cell}-${created.toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${Math.random().toString(36).slice(2, 8)}`;
  let manifest: ModelManifest | undefined;
  await writeDirectoryAtomically(
    dir,
    async (temp) => {
      await classifier.model.save(fileSystemModelHandler(temp));
      const extra: [string, unknown][] = [
        [CONFIG_JSON, classifier.config],
        [METRICS_JSON, options.metrics],
        [VOCABULARY_JSON, options.vocabulary],
        [TOKENIZER_JSON, options.tokenizerOptions],
        [PREDICTIONS_JSON, options.predictions && predictionsToJson(options.predictions)],
      ];
      for (const [name, value] of extra) {
        if (value !== undefined)
          await writeFile(path.join(temp, name), `${JSON.stringify(value, null, 1)}\n`);
      }
      const files: ModelManifest['files'] = {};
      for (const name of [
        MODEL_JSON,
        WEIGHTS_BIN,
        ...extra.filter(([, v]) => v !== undefined).map(([n]) => n),
      ]) {
        files[name] = digest(await readFile(path.join(temp, name)));
      }
      manifest = {
        formatVersion: MANIFEST_FORMAT_VERSION,
        id,
        cell: classifier.config.cell,
        created: created.toISOString(),
        backend: {
          name: options.backend.name,
          version: options.backend.version,
          coreVersion: options.backend.coreVersion,
        },
        packageVersion: PACKAGE_VERSION,
        vocabularyHash: options.vocabularyHash,
        datasetSplitHash: options.datasetSplitHash,
        files,
      };
      await writeFile(path.join(temp, MANIFEST_JSON), `${JSON.stringify(manifest, null, 1)}\n`);
    },
    { overwrite: options.overwrite ?? false },
  );
  return manifest as unknown as ModelManifest;
}

/**
 * Loads a model directory after checking every file against `manifest.json`, and the sizes
 * `model.json` claims against `config.json` and `weights.bin` before anything is allocated.
 * Throws `MODEL_NOT_FOUND`, `MODEL_CORRUPT` (naming the file) or `MODEL_MISMATCH`. Reads only:
 * a directory mid-swap (a writer's overwrite between its two renames) is not found, and
 * recovering it is the next writer's business, never a reader's.
 */
export async function loadClassifier(
  dir: string,
  options: LoadClassifierOptions = {},
): Promise<LoadedClassifier> {
  const manifest = await verifyModelDirectory(dir);
  for (const required of [MODEL_JSON, WEIGHTS_BIN, CONFIG_JSON]) {
    if (manifest.files[required] === undefined) {
      throw new NewscellError(
        'MODEL_CORRUPT',
        `${path.join(dir, MANIFEST_JSON)} does not list ${required}`,
        {
          details: { file: required },
        },
      );
    }
  }
  if (options.vocabularyHash !== undefined && options.vocabularyHash !== manifest.vocabularyHash) {
    throw new NewscellError(
      'MODEL_MISMATCH',
      `${path.join(dir, MANIFEST_JSON)}: model was trained with vocabulary ${manifest.vocabularyHash}, not ${options.vocabularyHash}`,
      { details: { file: MANIFEST_JSON, field: 'vocabularyHash', value: manifest.vocabularyHash } },
    );
  }
  const config = await readConfig(dir, manifest);
  checkSavedShapes(
    dir,
    await readJsonFile(dir, MODEL_JSON),
    config,
    manifest.files[WEIGHTS_BIN]?.bytes ?? 0,
  );
  const model = await tfl.loadLayersModel(fileSystemModelHandler(dir));
  checkModelMatchesConfig(dir, model, config);
  const optional = async (name: string) =>
    manifest.files[name] === undefined
      ? null
      : (JSON.parse(await readFile(path.join(dir, name), 'utf8')) as unknown);
  return {
    classifier: { config, model },
    manifest,
    metrics: await optional(METRICS_JSON),
    vocabulary: await optional(VOCABULARY_JSON),
    tokenizerOptions: await optional(TOKENIZER_JSON),
  };
}

/** Reads `predictions.json` of a (verified) model directory, or null when it has none. */
export async function readPredictions(dir: string): Promise<Predictions | null> {
  const manifest = await verifyModelDirectory(dir);
  if (manifest.files[PREDICTIONS_JSON] === undefined) return null;
  const json = JSON.parse(await readFile(path.join(dir, PREDICTIONS_JSON), 'utf8')) as {
    numClasses: number;
    labels: number[];
    predicted: number[];
    probabilities: number[];
  };
  return {
    numClasses: json.numClasses,
    labels: Int32Array.from(json.labels),
    predicted: Int32Array.from(json.predicted),
    probabilities: Float32Array.from(json.probabilities),
  };
}

function predictionsToJson(p: Predictions) {
  return {
    numClasses: p.numClasses,
    labels: Array.from(p.labels),
    predicted: Array.from(p.predicted),
    probabilities: Array.from(p.probabilities),
  };
}

async function readJsonFile(dir: string, name: string): Promise<unknown> {
  const file = path.join(dir, name);
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch (error) {
    throw new NewscellError(
      'MODEL_CORRUPT',
      `${file} is not valid JSON: ${(error as Error).message}`,
      { details: { file: name }, cause: error },
    );
  }
}

async function readConfig(dir: string, manifest: ModelManifest): Promise<ClassifierConfig> {
  const file = path.join(dir, CONFIG_JSON);
  let config: ClassifierConfig;
  try {
    config = resolveClassifierConfig(JSON.parse(await readFile(file, 'utf8')));
  } catch (error) {
    throw new NewscellError(
      'MODEL_CORRUPT',
      `${file} is not a valid model config: ${(error as Error).message}`,
      {
        details: { file: CONFIG_JSON },
        cause: error,
      },
    );
  }
  if (config.cell !== manifest.cell) {
    throw new NewscellError(
      'MODEL_MISMATCH',
      `${file} says cell '${config.cell}' but ${MANIFEST_JSON} says '${manifest.cell}'`,
      { details: { file: CONFIG_JSON, field: 'cell' } },
    );
  }
  return config;
}

function checkModelMatchesConfig(
  dir: string,
  model: tfl.LayersModel,
  config: ClassifierConfig,
): void {
  const input = model.inputs[0]?.shape;
  const output = model.outputs[0]?.shape;
  const problems: string[] = [];
  if (input?.[1] !== config.maxLength)
    problems.push(`input length ${input?.[1]} ≠ maxLength ${config.maxLength}`);
  if (output?.[1] !== config.numClasses)
    problems.push(`output width ${output?.[1]} ≠ numClasses ${config.numClasses}`);
  // LayerVariable shapes: getWeights() would hand out the live variables themselves.
  const rows = model.getLayer(LAYER_NAMES.embedding).weights[0]?.shape[0];
  if (rows !== config.vocabSize)
    problems.push(`embedding rows ${rows} ≠ vocabSize ${config.vocabSize}`);
  if (problems.length > 0) {
    model.dispose();
    throw new NewscellError(
      'MODEL_MISMATCH',
      `${path.join(dir, MODEL_JSON)} does not match ${CONFIG_JSON}: ${problems.join('; ')}`,
      {
        details: { file: MODEL_JSON, problems },
      },
    );
  }
}
