/**
 * Lookup tables that keep exp() and weighted sampling out of the skip-gram inner loop, as in the
 * original word2vec.c.
 */

/** σ(x) is read from the table for |x| < MAX_EXP and clamped to 0 or 1 outside. */
export const MAX_EXP = 6;
export const SIGMOID_TABLE_SIZE = 1000;

/**
 * σ sampled at SIGMOID_TABLE_SIZE + 1 points over [−MAX_EXP, MAX_EXP]: the extra last entry
 * catches an index that float rounding pushes to exactly SIGMOID_TABLE_SIZE.
 */
export function sigmoidTable(): Float32Array {
  const table = new Float32Array(SIGMOID_TABLE_SIZE + 1);
  for (let i = 0; i <= SIGMOID_TABLE_SIZE; i++) {
    const e = Math.exp(((i / SIGMOID_TABLE_SIZE) * 2 - 1) * MAX_EXP);
    table[i] = e / (e + 1);
  }
  return table;
}

/**
 * Word ids laid out so that a uniform index into the table draws id w with probability
 * count(w)^power / Σ count^power (word2vec: power 0.75). Ids with count 0 never appear.
 */
export function unigramTable(counts: Float64Array, size: number, power = 0.75): Int32Array {
  const table = new Int32Array(size);
  let total = 0;
  for (let id = 0; id < counts.length; id++) total += (counts[id] as number) ** power;
  if (total === 0) return table;
  let id = 0;
  while (id < counts.length && counts[id] === 0) id++;
  let cumulative = (counts[id] as number) ** power / total;
  for (let i = 0; i < size; i++) {
    table[i] = id;
    if (i / size > cumulative) {
      do id++;
      while (id < counts.length - 1 && counts[id] === 0);
      cumulative += (counts[id] as number) ** power / total;
    }
  }
  return table;
}

/**
 * Probability of keeping each occurrence of a word under frequent-word subsampling (word2vec.c):
 * keep = (√(c / (t·N)) + 1) · t·N / c, capped at 1, for count c, corpus size N, threshold t.
 * `threshold` 0 keeps everything.
 */
export function keepProbabilities(
  counts: Float64Array,
  corpusWords: number,
  threshold: number,
): Float32Array {
  const keep = new Float32Array(counts.length).fill(1);
  if (threshold <= 0) return keep;
  const tn = threshold * corpusWords;
  for (let id = 0; id < counts.length; id++) {
    const c = counts[id] as number;
    if (c > 0) keep[id] = Math.min(1, (Math.sqrt(c / tn) + 1) * (tn / c));
  }
  return keep;
}
