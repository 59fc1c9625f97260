import { NewscellError } from '@newscell/contracts';
import { PROBABILITY_EPSILON } from './classification-loss.js';

export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** Rows whose true class this is. */
  support: number;
}

/** Quality of predictions on a labelled set. */
export interface ClassificationMetrics {
  n: number;
  accuracy: number;
  /** Unweighted mean of the per-class F1 scores. */
  macroF1: number;
  /** Mean cross-entropy, probabilities clipped to [1e-7, 1 - 1e-7]. */
  logLoss: number;
  perClass: ClassMetrics[];
  /** `confusionMatrix[true][predicted]` counts. */
  confusionMatrix: number[][];
}

/**
 * Metrics from true labels and row-major probabilities `[n × numClasses]`. The prediction is the
 * arg-max (first on ties). A class never predicted has precision 0, never present has recall 0,
 * as scikit-learn reports them with `zero_division=0`.
 */
export function classificationMetrics(
  labels: Int32Array | readonly number[],
  probabilities: Float32Array,
  numClasses: number,
  labelNames?: readonly string[],
): ClassificationMetrics {
  const n = labels.length;
  if (probabilities.length !== n * numClasses) {
    throw new NewscellError(
      'INVALID_ARGUMENT',
      `probabilities has ${probabilities.length} values, expected ${n} rows × ${numClasses} classes`,
    );
  }
  const confusion = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  let logLossSum = 0;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const label = labels[i] as number;
    const row = probabilities.subarray(i * numClasses, (i + 1) * numClasses);
    const predicted = argMax(row);
    (confusion[label] as number[])[predicted] =
      ((confusion[label] as number[])[predicted] ?? 0) + 1;
    if (predicted === label) correct++;
    const p = Math.min(
      1 - PROBABILITY_EPSILON,
      Math.max(PROBABILITY_EPSILON, row[label] as number),
    );
    logLossSum -= Math.log(p);
  }
  const perClass: ClassMetrics[] = [];
  for (let c = 0; c < numClasses; c++) {
    const truePositives = (confusion[c] as number[])[c] as number;
    const support = (confusion[c] as number[]).reduce((a, b) => a + b, 0);
    const predictedAs = confusion.reduce((sum, row) => sum + (row[c] as number), 0);
    const precision = predictedAs === 0 ? 0 : truePositives / predictedAs;
    const recall = support === 0 ? 0 : truePositives / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    perClass.push({ label: labelNames?.[c] ?? String(c), precision, recall, f1, support });
  }
  return {
    n,
    accuracy: n === 0 ? 0 : correct / n,
    macroF1: perClass.reduce((sum, c) => sum + c.f1, 0) / numClasses,
    logLoss: n === 0 ? 0 : logLossSum / n,
    perClass,
    confusionMatrix: confusion,
  };
}

/** Index of the largest value (the first one on ties). */
export function argMax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) {
    if ((values[i] as number) > (values[best] as number)) best = i;
  }
  return best;
}
