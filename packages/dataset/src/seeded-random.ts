import { SeededRandom } from '@newscell/random';
import { DatasetError } from './dataset-error.js';

export function assertSeed(seed: unknown, field = 'seed'): asserts seed is number {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new DatasetError(
      'INVALID_ARGUMENT',
      `${field} must be an integer in 0..4294967295, got ${JSON.stringify(seed)}`,
      { details: { field, value: seed } },
    );
  }
}

/**
 * The project's seeded generator (`@newscell/random`) for a checked seed: subsets and splits are
 * the same on every machine and Node version, unlike anything drawn from `Math.random`.
 */
export function createSeededRandom(seed: number): SeededRandom {
  assertSeed(seed);
  return new SeededRandom(seed);
}
