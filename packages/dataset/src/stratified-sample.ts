import { indicesByLabel, pickPerGroup, proportionalQuotas } from './class-quotas.js';
import { DatasetError } from './dataset-error.js';
import { createSeededRandom } from './seeded-random.js';

/** Either `perClass` or `total`, never both. */
export type StratifiedSampleOptions = (
  | {
      /** At most this many examples of each class (all of a class that has fewer). */
      perClass: number;
      total?: undefined;
    }
  | {
      /** This many examples in all (or all, if there are fewer), in the input's class proportions. */
      total: number;
      perClass?: undefined;
    }
) & {
  /**
   * Seed of the draw. With one seed, a smaller `perClass` sample is contained in a larger one.
   * @defaultValue `42`
   */
  seed?: number;
};

/**
 * A class-stratified random subset, for quick runs. Keeps the input order, so the result depends
 * only on the input, the limit and the seed.
 */
export function stratifiedSample<T extends { label: number }>(
  examples: readonly T[],
  options: StratifiedSampleOptions,
): T[] {
  const { perClass, total } = options;
  if ((perClass === undefined) === (total === undefined)) {
    throw new DatasetError(
      'INVALID_ARGUMENT',
      'stratifiedSample needs exactly one of perClass or total',
      {
        details: { field: 'perClass|total', value: { perClass, total } },
      },
    );
  }
  const [field, limit] = perClass !== undefined ? ['perClass', perClass] : ['total', total];
  if (!Number.isSafeInteger(limit) || (limit as number) < 1) {
    throw new DatasetError(
      'INVALID_ARGUMENT',
      `${field} must be a positive integer, got ${JSON.stringify(limit)}`,
      {
        details: { field, value: limit },
      },
    );
  }
  const random = createSeededRandom(options.seed ?? 42);
  const groups = [...indicesByLabel(examples).values()];
  const sizes = groups.map((group) => group.length);
  const quotas =
    perClass !== undefined
      ? sizes.map((size) => Math.min(size, perClass))
      : proportionalQuotas(sizes, Math.min(total!, examples.length));
  const chosen = pickPerGroup(groups, quotas, random);
  return examples.filter((_, index) => chosen.has(index));
}
