import { DatasetError } from './dataset-error.js';

/**
 * A seeded pseudo-random source: mulberry32 (Tommy Ettinger's 32-bit generator). It uses only
 * 32-bit integer arithmetic (`Math.imul`, `>>>`), so one seed gives the same sequence on every
 * machine and Node version — unlike `Math.random`, which cannot be seeded at all.
 */
export interface SeededRandom {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, bound). */
  nextInt(bound: number): number;
}

export function assertSeed(seed: unknown, field = 'seed'): asserts seed is number {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new DatasetError(
      'INVALID_ARGUMENT',
      `${field} must be an integer in 0..4294967295, got ${JSON.stringify(seed)}`,
      { details: { field, value: seed } },
    );
  }
}

export function createSeededRandom(seed: number): SeededRandom {
  assertSeed(seed);
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, nextInt: (bound) => Math.floor(next() * bound) };
}

/** Fisher–Yates shuffle of a copy of `items`. */
export function shuffled<T>(items: readonly T[], random: SeededRandom): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.nextInt(i + 1);
    const tmp = out[i]!;
    out[i] = out[j]!;
    out[j] = tmp;
  }
  return out;
}
