import { NewscellError } from '@newscell/contracts';
import {
  type McNemarResult,
  mcnemarFromCounts,
  type PairedCounts,
  pairedCounts,
  pooledMcNemar,
} from './mcnemar.js';

/** One trained model's test-set predictions, tagged with what it is compared by. */
export interface ScoredRun {
  /** The group compared, e.g. the cell type `'gru'`. */
  group: string;
  /** Runs of different groups with the same `pairKey` (e.g. the seed) are paired. */
  pairKey: string;
  predicted: ArrayLike<number>;
}

/** McNemar between two groups: per pair key, and pooled over all of them. */
export interface GroupComparison {
  a: string;
  b: string;
  perPair: ({ pairKey: string } & McNemarResult)[];
  combined: McNemarResult;
}

/**
 * Every pair of groups compared on the same labelled items. Runs are matched on `pairKey`; keys
 * present in only one group of a pair are left out of that pair (and listed in `unpaired`).
 */
export function pairwiseComparisons(
  labels: ArrayLike<number>,
  runs: readonly ScoredRun[],
  alpha = 0.05,
): {
  groups: string[];
  comparisons: GroupComparison[];
  unpaired: { group: string; pairKey: string }[];
} {
  const byGroup = new Map<string, Map<string, ScoredRun>>();
  for (const [index, run] of runs.entries()) {
    const group = byGroup.get(run.group) ?? new Map<string, ScoredRun>();
    if (group.has(run.pairKey)) {
      throw new NewscellError(
        'INVALID_ARGUMENT',
        `runs[${index}]: group '${run.group}' already has a run with pairKey '${run.pairKey}'`,
        { details: { field: `runs[${index}].pairKey`, value: run.pairKey } },
      );
    }
    group.set(run.pairKey, run);
    byGroup.set(run.group, group);
  }
  const groups = [...byGroup.keys()];
  const comparisons: GroupComparison[] = [];
  const unpaired = new Map<string, { group: string; pairKey: string }>();
  for (let i = 0; i < groups.length; i++) {
    for (let j = i + 1; j < groups.length; j++) {
      const a = groups[i] as string;
      const b = groups[j] as string;
      const runsA = byGroup.get(a) as Map<string, ScoredRun>;
      const runsB = byGroup.get(b) as Map<string, ScoredRun>;
      const perPair: GroupComparison['perPair'] = [];
      const tables: PairedCounts[] = [];
      for (const [key, runA] of runsA) {
        const runB = runsB.get(key);
        if (runB === undefined) {
          unpaired.set(`${a}\u0000${key}`, { group: a, pairKey: key });
          continue;
        }
        const counts = pairedCounts(labels, runA.predicted, runB.predicted);
        tables.push(counts);
        perPair.push({ pairKey: key, ...mcnemarFromCounts(counts, alpha) });
      }
      for (const key of runsB.keys()) {
        if (!runsA.has(key)) unpaired.set(`${b}\u0000${key}`, { group: b, pairKey: key });
      }
      if (tables.length > 0)
        comparisons.push({ a, b, perPair, combined: pooledMcNemar(tables, alpha) });
    }
  }
  return { groups, comparisons, unpaired: [...unpaired.values()] };
}
