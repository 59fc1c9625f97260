import { NewscellError } from '@newscell/contracts';
import type { ClassifierConfig } from './classifier-config.js';

/** Token ids `[n × maxLength]` row-major, padded with 0, and one class index per row. */
export interface ClassificationData {
  ids: Int32Array;
  labels: Int32Array | readonly number[];
}

/** A checked data set: `n` rows, labels as an Int32Array. */
export interface CheckedData {
  n: number;
  ids: Int32Array;
  labels: Int32Array;
}

/**
 * Checks shapes and ranges against the model config, naming the first bad row and value, so a
 * tokenizer/model mismatch fails here rather than as an out-of-range gather deep in a kernel.
 */
export function checkClassificationData(
  what: string,
  data: ClassificationData,
  config: Pick<ClassifierConfig, 'maxLength' | 'vocabSize' | 'numClasses'>,
  options: { requireLabels?: boolean } = {},
): CheckedData {
  const { maxLength, vocabSize, numClasses } = config;
  if (!(data.ids instanceof Int32Array)) {
    throw invalid(what, 'ids', `must be an Int32Array, got ${describe(data.ids)}`);
  }
  if (data.ids.length % maxLength !== 0) {
    throw invalid(
      what,
      'ids',
      `length ${data.ids.length} is not a multiple of maxLength ${maxLength}`,
    );
  }
  const n = data.ids.length / maxLength;
  for (let i = 0; i < data.ids.length; i++) {
    const id = data.ids[i] as number;
    if (id < 0 || id >= vocabSize) {
      throw invalid(
        what,
        'ids',
        `row ${Math.floor(i / maxLength)}, position ${i % maxLength}: token id ${id} is not in 0..${vocabSize - 1} (vocabSize)`,
      );
    }
  }
  const labels = Int32Array.from(data.labels ?? []);
  if (options.requireLabels !== false || labels.length > 0) {
    if (labels.length !== n) {
      throw invalid(what, 'labels', `has ${labels.length} entries but ids has ${n} rows`);
    }
    for (let i = 0; i < n; i++) {
      const label = data.labels[i] as number;
      if (!Number.isInteger(label) || label < 0 || label >= numClasses) {
        throw invalid(what, 'labels', `row ${i}: label ${label} is not in 0..${numClasses - 1}`);
      }
    }
  }
  if (n === 0) throw invalid(what, 'ids', 'has no rows');
  return { n, ids: data.ids, labels };
}

function invalid(what: string, field: string, problem: string): NewscellError {
  return new NewscellError('INVALID_ARGUMENT', `${what} ${field}: ${problem}`, {
    details: { field: `${what}.${field}` },
  });
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  return (value as object).constructor?.name ?? typeof value;
}

/** Copies rows `order[from..to)` of `ids` into one contiguous batch. */
export function gatherRows(
  ids: Int32Array,
  labels: Int32Array,
  maxLength: number,
  order: Int32Array | null,
  from: number,
  to: number,
): { ids: Int32Array; labels: Int32Array } {
  const size = to - from;
  const batchIds = new Int32Array(size * maxLength);
  const batchLabels = new Int32Array(size);
  for (let k = 0; k < size; k++) {
    const row = order === null ? from + k : (order[from + k] as number);
    batchIds.set(ids.subarray(row * maxLength, (row + 1) * maxLength), k * maxLength);
    batchLabels[k] = labels[row] ?? 0;
  }
  return { ids: batchIds, labels: batchLabels };
}
