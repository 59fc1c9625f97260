import type { SeededRandom } from '@newscell/random';
import { DatasetError } from './dataset-error.js';

/** Indices of `examples` grouped by label, labels ascending. */
export function indicesByLabel(examples: readonly { label: number }[]): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  examples.forEach((example, index) => {
    if (!Number.isInteger(example.label) || example.label < 0) {
      throw new DatasetError(
        'INVALID_ARGUMENT',
        `examples[${index}].label must be a non-negative integer, got ${JSON.stringify(example.label)}`,
        { details: { field: `examples[${index}].label`, value: example.label } },
      );
    }
    const group = groups.get(example.label);
    if (group === undefined) groups.set(example.label, [index]);
    else group.push(index);
  });
  return new Map([...groups.entries()].sort((a, b) => a[0] - b[0]));
}

/**
 * Splits `total` across groups in proportion to their sizes (largest-remainder method, ties to
 * the lower label), so the parts add up to exactly `total` and each part is within one of its
 * exact share.
 */
export function proportionalQuotas(sizes: readonly number[], total: number): number[] {
  const all = sizes.reduce((sum, n) => sum + n, 0);
  if (all === 0) return sizes.map(() => 0);
  const shares = sizes.map((n) => (n * total) / all);
  const quotas = shares.map((share) => Math.floor(share));
  let left = total - quotas.reduce((sum, q) => sum + q, 0);
  const order = shares
    .map((share, index) => ({ index, rest: share - Math.floor(share) }))
    .sort((a, b) => b.rest - a.rest || a.index - b.index);
  for (const { index } of order) {
    if (left <= 0) break;
    if (quotas[index]! < sizes[index]!) {
      quotas[index] = quotas[index]! + 1;
      left--;
    }
  }
  return quotas;
}

/** Picks `quotas[g]` random members of each group; returns the chosen indices ascending. */
export function pickPerGroup(
  groups: readonly number[][],
  quotas: readonly number[],
  random: SeededRandom,
): Set<number> {
  const chosen = new Set<number>();
  groups.forEach((group, g) => {
    for (const index of random.shuffled(group).slice(0, quotas[g] ?? 0)) chosen.add(index);
  });
  return chosen;
}
