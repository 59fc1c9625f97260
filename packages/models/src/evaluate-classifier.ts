import { AG_NEWS_CLASS_COUNT, AG_NEWS_LABELS } from '@newscell/contracts';
import type { Tensor } from '@tensorflow/tfjs-core';
import { type ClassifierModel, LAYER_NAMES } from './build-classifier.js';
import { type ClassificationData, checkClassificationData } from './classification-data.js';
import {
  argMax,
  type ClassificationMetrics,
  classificationMetrics,
} from './classification-metrics.js';
import { releaseDropoutMasks } from './dropout-masks.js';
import { FusedRecurrent } from './fused/fused-recurrent-layer.js';
import {
  type ProjectionSource,
  ProjectionTable,
  withProjections,
} from './fused/input-projection.js';
import { tf } from './tfjs.js';

/** Per-example outputs on a test set, kept so models can be compared row by row later. */
export interface Predictions {
  /** True class per row. */
  labels: Int32Array;
  /** Arg-max class per row. */
  predicted: Int32Array;
  /** Row-major `[n × numClasses]`. */
  probabilities: Float32Array;
  numClasses: number;
}

export interface EvaluateOptions {
  /** @defaultValue 256 */
  batchSize?: number;
  /** @defaultValue the AG News labels when the model has 4 classes, else `'0'`, `'1'`, … */
  labelNames?: readonly string[];
}

/** Class probabilities for each row of `ids` (`[n × maxLength]`), dropout off. */
export function predictProbabilities(
  classifier: ClassifierModel,
  ids: Int32Array,
  batchSize = 256,
): Float32Array {
  const { maxLength, numClasses } = classifier.config;
  const n = ids.length / maxLength;
  const out = new Float32Array(n * numClasses);
  const sources = inputProjections(classifier);
  for (let from = 0; from < n; from += batchSize) {
    const to = Math.min(n, from + batchSize);
    const probabilities = tf.tidy(() => {
      const batchIds = ids.subarray(from * maxLength, to * maxLength);
      const x = tf.tensor2d(batchIds, [to - from, maxLength], 'int32');
      return withProjections(
        { ids: batchIds, batch: to - from, time: maxLength, sources },
        () => classifier.model.apply(x, { training: false }) as Tensor,
      );
    });
    out.set(probabilities.dataSync(), from * numClasses);
    probabilities.dispose();
  }
  releaseDropoutMasks(classifier.model);
  return out;
}

const projectionSources = new WeakMap<object, ReadonlyMap<object, ProjectionSource>>();

/**
 * The first recurrent layer's directions (both when bidirectional) with the embedding they read
 * and their vocabulary tables (see fused/input-projection.ts), kept per model. The classifier
 * graph feeds the embedding straight into that layer (build-classifier.ts); tfjs-layers' own
 * cells and models without these layers get none.
 */
export function inputProjections(
  classifier: ClassifierModel,
): ReadonlyMap<object, ProjectionSource> {
  const { model, config } = classifier;
  const known = projectionSources.get(model);
  if (known !== undefined) return known;
  const sources = new Map<object, ProjectionSource>();
  const names = model.layers.map((l) => l.name);
  if (
    config.cell !== 'bow' &&
    names.includes(LAYER_NAMES.embedding) &&
    names.includes(LAYER_NAMES.recurrent(0))
  ) {
    const embedding = model.getLayer(LAYER_NAMES.embedding).weights[0];
    const first = model.getLayer(LAYER_NAMES.recurrent(0)) as unknown as {
      forwardLayer?: unknown;
      backwardLayer?: unknown;
    };
    for (const layer of [first, first.forwardLayer, first.backwardLayer]) {
      if (layer instanceof FusedRecurrent && embedding !== undefined) {
        sources.set(layer, { embedding, table: new ProjectionTable() });
      }
    }
  }
  projectionSources.set(model, sources);
  return sources;
}

/**
 * Frees a model's vocabulary tables now, e.g. when the model is disposed (on wasm they sit in the
 * heap outside tfjs's tensors; without this they go when the model is garbage-collected).
 */
export function releaseInputProjections(classifier: ClassifierModel): void {
  const sources = projectionSources.get(classifier.model);
  if (sources === undefined) return;
  for (const source of sources.values()) source.table.dispose();
  projectionSources.delete(classifier.model);
}

/** Metrics and per-example predictions on a labelled set. */
export function evaluateClassifier(
  classifier: ClassifierModel,
  data: ClassificationData,
  options: EvaluateOptions = {},
): { metrics: ClassificationMetrics; predictions: Predictions } {
  const { numClasses } = classifier.config;
  const checked = checkClassificationData('test', data, classifier.config);
  const probabilities = predictProbabilities(classifier, checked.ids, options.batchSize ?? 256);
  const predicted = new Int32Array(checked.n);
  for (let i = 0; i < checked.n; i++) {
    predicted[i] = argMax(probabilities.subarray(i * numClasses, (i + 1) * numClasses));
  }
  const labelNames =
    options.labelNames ?? (numClasses === AG_NEWS_CLASS_COUNT ? AG_NEWS_LABELS : undefined);
  return {
    metrics: classificationMetrics(checked.labels, probabilities, numClasses, labelNames),
    predictions: { labels: checked.labels, predicted, probabilities, numClasses },
  };
}

/** Inference latency, per text, including the copy of probabilities back to JavaScript. */
export interface InferenceTiming {
  msPerTextBatch1: number;
  msPerTextBatch64: number;
  /** Timed calls per batch size (after one untimed warm-up). */
  runs: number;
}

/**
 * Times `predictProbabilities` on the first row of `ids` alone and on 64 rows (rows repeat when
 * there are fewer). Reported, not asserted: see `npm run bench` for comparisons.
 */
export function measureInference(
  classifier: ClassifierModel,
  ids: Int32Array,
  runs = 20,
): InferenceTiming {
  const { maxLength } = classifier.config;
  const rows = ids.length / maxLength;
  const batch64 = new Int32Array(64 * maxLength);
  for (let i = 0; i < 64; i++) {
    const row = i % rows;
    batch64.set(ids.subarray(row * maxLength, (row + 1) * maxLength), i * maxLength);
  }
  const one = batch64.slice(0, maxLength);
  const time = (batch: Int32Array, size: number) => {
    predictProbabilities(classifier, batch, size);
    const start = performance.now();
    for (let r = 0; r < runs; r++) predictProbabilities(classifier, batch, size);
    return (performance.now() - start) / runs / size;
  };
  return { msPerTextBatch1: time(one, 1), msPerTextBatch64: time(batch64, 64), runs };
}
