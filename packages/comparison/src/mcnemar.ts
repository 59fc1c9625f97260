import { NewscellError } from '@newscell/contracts';

/**
 * The paired outcome counts of two classifiers on the same items. Only the discordant cells
 * (`onlyA`, `onlyB`) carry evidence about which is better.
 */
export interface PairedCounts {
  /** Items both classify correctly. */
  both: number;
  /** Items only A gets right. */
  onlyA: number;
  /** Items only B gets right. */
  onlyB: number;
  /** Items both get wrong. */
  neither: number;
}

export interface McNemarResult extends PairedCounts {
  n: number;
  /** χ² with continuity correction, (|onlyA − onlyB| − 1)² / (onlyA + onlyB); 0 when no discordance. */
  statistic: number;
  /**
   * Two-sided exact binomial p-value on the discordant items (onlyA ~ Bin(onlyA + onlyB, ½) under
   * "equally accurate"). Exact at every sample size, unlike the χ² approximation.
   */
  pValue: number;
  /** `'a'` or `'b'` when `pValue < alpha`, else null (no significant difference). */
  winner: 'a' | 'b' | null;
  alpha: number;
}

/** Counts the four paired outcomes of predictions `a` and `b` against `labels`. */
export function pairedCounts(
  labels: ArrayLike<number>,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
): PairedCounts {
  for (const [field, values] of [
    ['predictions a', a],
    ['predictions b', b],
  ] as const) {
    if (values.length !== labels.length) {
      throw new NewscellError(
        'INVALID_ARGUMENT',
        `${field} has ${values.length} items but labels has ${labels.length}: both models must be scored on the same items`,
        { details: { field, value: values.length, expected: labels.length } },
      );
    }
  }
  const counts: PairedCounts = { both: 0, onlyA: 0, onlyB: 0, neither: 0 };
  for (let i = 0; i < labels.length; i++) {
    const rightA = a[i] === labels[i];
    const rightB = b[i] === labels[i];
    if (rightA && rightB) counts.both++;
    else if (rightA) counts.onlyA++;
    else if (rightB) counts.onlyB++;
    else counts.neither++;
  }
  return counts;
}

/** McNemar's test on paired counts. */
export function mcnemarFromCounts(counts: PairedCounts, alpha = 0.05): McNemarResult {
  if (!(alpha > 0 && alpha < 1)) {
    throw new NewscellError('INVALID_ARGUMENT', `alpha must be in (0, 1), got ${alpha}`, {
      details: { field: 'alpha', value: alpha },
    });
  }
  const discordant = counts.onlyA + counts.onlyB;
  const statistic =
    discordant === 0 ? 0 : Math.max(0, Math.abs(counts.onlyA - counts.onlyB) - 1) ** 2 / discordant;
  const pValue = binomialTwoSidedPValue(Math.min(counts.onlyA, counts.onlyB), discordant);
  const winner =
    pValue < alpha && counts.onlyA !== counts.onlyB
      ? counts.onlyA > counts.onlyB
        ? 'a'
        : 'b'
      : null;
  return {
    ...counts,
    n: counts.both + counts.onlyA + counts.onlyB + counts.neither,
    statistic,
    pValue,
    winner,
    alpha,
  };
}

/** McNemar's test of predictions `a` vs `b` on the same labelled items. */
export function mcnemar(
  labels: ArrayLike<number>,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  alpha = 0.05,
): McNemarResult {
  return mcnemarFromCounts(pairedCounts(labels, a, b), alpha);
}

/**
 * Combines several paired tables (e.g. one per seed) into one test by adding their counts: each
 * seed's discordant items are independent evidence about the same two cells.
 */
export function pooledMcNemar(tables: readonly PairedCounts[], alpha = 0.05): McNemarResult {
  if (tables.length === 0) {
    throw new NewscellError('INVALID_ARGUMENT', 'pooledMcNemar: no tables to combine', {
      details: { field: 'tables' },
    });
  }
  const sum: PairedCounts = { both: 0, onlyA: 0, onlyB: 0, neither: 0 };
  for (const t of tables) {
    sum.both += t.both;
    sum.onlyA += t.onlyA;
    sum.onlyB += t.onlyB;
    sum.neither += t.neither;
  }
  return mcnemarFromCounts(sum, alpha);
}

/**
 * P(X ≤ k or X ≥ n − k) for X ~ Bin(n, ½), with k ≤ n/2: the two-sided exact p-value of seeing a
 * split at least as lopsided as k : n − k. Summed in log space, so n in the hundreds of thousands
 * neither overflows nor underflows to a wrong 0.
 */
export function binomialTwoSidedPValue(k: number, n: number): number {
  if (!Number.isInteger(k) || !Number.isInteger(n) || k < 0 || n < 0 || k > n) {
    throw new NewscellError(
      'INVALID_ARGUMENT',
      `binomial test needs integers 0 ≤ k ≤ n, got k=${k}, n=${n}`,
      {
        details: { field: 'k', value: k },
      },
    );
  }
  if (n === 0) return 1;
  const low = Math.min(k, n - k);
  if (2 * low === n) return 1;
  // log C(n, i) − n log 2, accumulated for i = 0..low; log-sum-exp keeps precision.
  const logHalfN = -n * Math.LN2;
  let logC = 0;
  const terms: number[] = [];
  for (let i = 0; i <= low; i++) {
    if (i > 0) logC += Math.log(n - i + 1) - Math.log(i);
    terms.push(logC + logHalfN);
  }
  // Terms grow with i up to n/2, so the last is the largest.
  const top = terms[low] as number;
  let sum = 0;
  for (const t of terms) sum += Math.exp(t - top);
  const tail = Math.exp(top + Math.log(sum));
  return Math.min(1, 2 * tail);
}
