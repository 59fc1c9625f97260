import path from 'node:path';
import { AG_NEWS_CLASS_COUNT, AG_NEWS_LABELS, NewscellError } from '@newscell/contracts';
import { Vocabulary } from '@newscell/tokenizer';
import type { ClassifierConfig } from './classifier-config.js';
import { predictProbabilities, releaseInputProjections } from './evaluate-classifier.js';
import {
  type LoadClassifierOptions,
  type LoadedClassifier,
  loadClassifier,
  VOCABULARY_JSON,
} from './model-directory.js';
import type { ModelManifest } from './model-manifest.js';

/**
 * How texts become fixed-length id rows, in training and in prediction alike: padding in front
 * keeps the last real tokens next to the final state a `last`-pooling model reads; long texts keep
 * their beginning (a headline and lead carry the topic).
 */
export const TEXT_ENCODING = { padding: 'pre', truncation: 'post' } as const;

/** One text's answer. */
export interface TopicPrediction {
  /** Name of the most probable class, e.g. `Sports`. */
  label: string;
  /** Its 0-based index. */
  labelIndex: number;
  /** Probability of every class, by class name. */
  probabilities: Record<string, number>;
}

export interface LoadPredictorOptions extends LoadClassifierOptions {
  /** Run one prediction at load so the first request does not pay for kernel set-up. @defaultValue true */
  warmUp?: boolean;
  /** Largest batch sent to the model at once. @defaultValue 64 */
  batchSize?: number;
  /** @defaultValue the AG News labels for a 4-class model, else `'0'`, `'1'`, … */
  labelNames?: readonly string[];
}

/**
 * A saved model ready to answer raw text: it tokenises with the vocabulary and tokenizer settings
 * the model was trained with (both stored in its directory), so predictions match training.
 */
export class Predictor {
  readonly id: string;
  readonly manifest: ModelManifest;
  readonly config: ClassifierConfig;
  readonly metrics: unknown | null;
  readonly vocabulary: Vocabulary;
  readonly labelNames: readonly string[];
  readonly batchSize: number;
  readonly #loaded: LoadedClassifier;
  #disposed = false;

  private constructor(
    loaded: LoadedClassifier,
    vocabulary: Vocabulary,
    options: LoadPredictorOptions,
  ) {
    this.#loaded = loaded;
    this.manifest = loaded.manifest;
    this.id = loaded.manifest.id;
    this.config = loaded.classifier.config;
    this.metrics = loaded.metrics;
    this.vocabulary = vocabulary;
    const { numClasses } = this.config;
    this.labelNames =
      options.labelNames ??
      (numClasses === AG_NEWS_CLASS_COUNT
        ? AG_NEWS_LABELS
        : Array.from({ length: numClasses }, (_, i) => String(i)));
    if (this.labelNames.length !== numClasses) {
      throw new NewscellError(
        'INVALID_ARGUMENT',
        `labelNames has ${this.labelNames.length} names but model ${this.id} has ${numClasses} classes`,
        { details: { field: 'labelNames', value: this.labelNames.length } },
      );
    }
    this.batchSize = options.batchSize ?? 64;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) {
      throw new NewscellError(
        'INVALID_ARGUMENT',
        `batchSize must be a positive integer, got ${String(options.batchSize)}`,
        { details: { field: 'batchSize', value: options.batchSize } },
      );
    }
  }

  /**
   * Loads a model directory (checked against its manifest) with its vocabulary. Throws
   * `MODEL_NOT_FOUND`, `MODEL_CORRUPT` (naming the file, e.g. a model saved without
   * `vocabulary.json`) or `MODEL_MISMATCH` (vocabulary not the one the manifest names).
   */
  static async load(dir: string, options: LoadPredictorOptions = {}): Promise<Predictor> {
    const loaded = await loadClassifier(dir, options);
    try {
      const vocabulary = readVocabulary(dir, loaded);
      const predictor = new Predictor(loaded, vocabulary, options);
      if (options.warmUp ?? true) predictor.predictProbabilities(['warm up']);
      return predictor;
    } catch (error) {
      loaded.classifier.model.dispose();
      throw error;
    }
  }

  /** Token-id rows `[texts.length × maxLength]`, exactly as in training. */
  encode(texts: readonly string[]): Int32Array {
    return this.vocabulary.encodeBatch(texts, {
      maxLength: this.config.maxLength,
      ...TEXT_ENCODING,
    }).ids;
  }

  /** Row-major `[texts.length × numClasses]` probabilities. */
  predictProbabilities(texts: readonly string[]): Float32Array {
    this.#assertUsable(texts);
    if (texts.length === 0) return new Float32Array(0);
    return predictProbabilities(this.#loaded.classifier, this.encode(texts), this.batchSize);
  }

  /** For each text: the most probable class and every class's probability. */
  predict(texts: readonly string[]): TopicPrediction[] {
    const probabilities = this.predictProbabilities(texts);
    const k = this.config.numClasses;
    return texts.map((_, row) => {
      const byName: Record<string, number> = {};
      let best = 0;
      for (let c = 0; c < k; c++) {
        const p = probabilities[row * k + c] ?? 0;
        byName[this.labelNames[c] as string] = p;
        if (p > (probabilities[row * k + best] ?? 0)) best = c;
      }
      return { label: this.labelNames[best] as string, labelIndex: best, probabilities: byName };
    });
  }

  /** Releases the model's tensors; the predictor cannot be used afterwards. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    releaseInputProjections(this.#loaded.classifier);
    this.#loaded.classifier.model.dispose();
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  #assertUsable(texts: readonly string[]): void {
    if (this.#disposed) {
      throw new NewscellError('INVALID_ARGUMENT', `predictor for model ${this.id} was disposed`);
    }
    if (!Array.isArray(texts)) {
      throw new NewscellError('INVALID_ARGUMENT', 'texts must be an array of strings', {
        details: { field: 'texts', value: typeof texts },
      });
    }
    const bad = texts.findIndex((t) => typeof t !== 'string');
    if (bad >= 0) {
      throw new NewscellError(
        'INVALID_ARGUMENT',
        `texts[${bad}] must be a string, got ${typeof texts[bad]}`,
        { details: { field: `texts[${bad}]`, value: typeof texts[bad] } },
      );
    }
  }
}

/** `Predictor.load` as a function. */
export function loadPredictor(dir: string, options: LoadPredictorOptions = {}): Promise<Predictor> {
  return Predictor.load(dir, options);
}

function readVocabulary(dir: string, loaded: LoadedClassifier): Vocabulary {
  const file = path.join(dir, VOCABULARY_JSON);
  if (loaded.vocabulary === null) {
    throw new NewscellError(
      'MODEL_CORRUPT',
      `${dir} has no ${VOCABULARY_JSON}: the model cannot turn text into token ids`,
      { details: { file: VOCABULARY_JSON } },
    );
  }
  let vocabulary: Vocabulary;
  try {
    vocabulary = Vocabulary.fromJSON(loaded.vocabulary, file);
  } catch (error) {
    throw new NewscellError(
      'MODEL_CORRUPT',
      `${file} is not a usable vocabulary: ${(error as Error).message}`,
      { details: { file: VOCABULARY_JSON }, cause: error },
    );
  }
  if (vocabulary.hash !== loaded.manifest.vocabularyHash) {
    throw new NewscellError(
      'MODEL_MISMATCH',
      `${file} has hash ${vocabulary.hash} but the manifest says the model was trained with ${loaded.manifest.vocabularyHash}`,
      {
        details: {
          file: VOCABULARY_JSON,
          field: 'vocabularyHash',
          value: vocabulary.hash,
        },
      },
    );
  }
  if (vocabulary.size !== loaded.classifier.config.vocabSize) {
    throw new NewscellError(
      'MODEL_MISMATCH',
      `${file} has ${vocabulary.size} tokens but the model's embedding has ${loaded.classifier.config.vocabSize} rows`,
      { details: { file: VOCABULARY_JSON, field: 'size', value: vocabulary.size } },
    );
  }
  return vocabulary;
}
