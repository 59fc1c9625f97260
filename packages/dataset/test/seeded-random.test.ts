import { SeededRandom } from '@newscell/random';
import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../src/index.js';

describe('createSeededRandom', () => {
  it('is the project generator (@newscell/random) for the seed', () => {
    for (const seed of [0, 1, 42, 123456789, 0xffffffff]) {
      const ours = createSeededRandom(seed);
      const reference = new SeededRandom(seed);
      for (let i = 0; i < 1000; i++) expect(ours.next()).toBe(reference.next());
    }
  });

  it('gives pinned values, so a change of generator is noticed', () => {
    const random = createSeededRandom(42);
    const ints = Array.from({ length: 8 }, () => random.nextInt(1000));
    expect(ints).toEqual(PINNED_SEED_42);
  });

  it('stays in [0, 1) and differs between seeds', () => {
    const a = createSeededRandom(1);
    const b = createSeededRandom(2);
    const xs = Array.from({ length: 500 }, () => a.next());
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(xs.slice(0, 5)).not.toEqual(Array.from({ length: 5 }, () => b.next()));
  });

  it('rejects seeds that are not 32-bit unsigned integers', () => {
    for (const seed of [-1, 1.5, 2 ** 32, Number.NaN]) {
      expect(() => createSeededRandom(seed)).toThrow(/seed must be an integer in 0\.\.4294967295/);
    }
  });
});

const PINNED_SEED_42 = [660, 126, 111, 814, 79, 26, 15, 258];
