import { describe, expect, it } from 'vitest';
import { createSeededRandom, shuffled } from '../src/index.js';

// The widely published one-line mulberry32, kept here as an independent reference.
function referenceMulberry32(a: number): () => number {
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('createSeededRandom', () => {
  it('matches the reference mulberry32 for several seeds', () => {
    for (const seed of [0, 1, 42, 123456789, 0xffffffff]) {
      const ours = createSeededRandom(seed);
      const reference = referenceMulberry32(seed);
      for (let i = 0; i < 1000; i++) expect(ours.next()).toBe(reference());
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

describe('shuffled', () => {
  it('permutes a copy deterministically', () => {
    const items = Array.from({ length: 20 }, (_, i) => i);
    const once = shuffled(items, createSeededRandom(7));
    expect(shuffled(items, createSeededRandom(7))).toEqual(once);
    expect([...once].sort((x, y) => x - y)).toEqual(items);
    expect(once).not.toEqual(items);
    expect(items[0]).toBe(0);
  });
});

const PINNED_SEED_42 = [601, 448, 852, 669, 174, 526, 273, 624];
