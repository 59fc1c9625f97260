import { indicesByLabel, pickPerGroup, proportionalQuotas } from './class-quotas.js';
import { DatasetError } from './dataset-error.js';
import { createSeededRandom } from './seeded-random.js';

export interface StratifiedSplitOptions {
  /**
   * Share of the examples that go to validation, in [0, 1). The validation part has exactly
   * `round(n * validationFraction)` examples, spread over the classes in proportion to their size.
   * @defaultValue `0.1`
   */
  validationFraction?: number;
  /**
   * Seed of the shuffle; the same seed and input give the same split on every machine.
   * @defaultValue `42`
   */
  seed?: number;
}

/**
 * Splits examples into train and validation parts with the same class proportions. Both parts
 * keep the input order, so the result depends only on the input, the fraction and the seed.
 */
export function stratifiedSplit<T extends { label: number }>(
  examples: readonly T[],
  options: StratifiedSplitOptions = {},
): { train: T[]; validation: T[] } {
  const fraction = options.validationFraction ?? 0.1;
  if (typeof fraction !== 'number' || !(fraction >= 0 && fraction < 1)) {
    throw new DatasetError(
      'INVALID_ARGUMENT',
      `validationFraction must be a number in [0, 1), got ${JSON.stringify(fraction)}`,
      {
        details: { field: 'validationFraction', value: fraction },
      },
    );
  }
  const random = createSeededRandom(options.seed ?? 42);
  const groups = [...indicesByLabel(examples).values()];
  const quotas = proportionalQuotas(
    groups.map((group) => group.length),
    Math.round(examples.length * fraction),
  );
  const chosen = pickPerGroup(groups, quotas, random);
  const train: T[] = [];
  const validation: T[] = [];
  examples.forEach((example, index) => {
    (chosen.has(index) ? validation : train).push(example);
  });
  return { train, validation };
}
