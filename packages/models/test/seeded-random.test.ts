import { describe, expect, it } from 'vitest';
import { SeededRandom, withSeededMathRandom } from '../src/seeded-random.js';

describe('SeededRandom', () => {
  it('repeats from a seed and continues exactly from a saved state', () => {
    const a = new SeededRandom(5);
    const b = new SeededRandom(5);
    const first = [a.next(), a.next(), a.next()];
    expect([b.next(), b.next(), b.next()]).toEqual(first);
    const saved = a.state();
    const rest = [a.next(), a.next()];
    const c = new SeededRandom(saved);
    expect([c.next(), c.next()]).toEqual(rest);
    expect(new SeededRandom(6).next()).not.toBe(first[0]);
  });

  it('draws roughly uniform values in [0, 1) and valid permutations', () => {
    const r = new SeededRandom(1);
    const xs = Array.from({ length: 20_000 }, () => r.next());
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(xs.reduce((s, x) => s + x, 0) / xs.length).toBeCloseTo(0.5, 1);
    const p = r.permutation(50);
    expect([...p].sort((x, y) => x - y)).toEqual([...Array(50).keys()]);
    expect([...p]).not.toEqual([...Array(50).keys()]);
  });

  it('routes Math.random through the generator only inside the scope, even on throw', () => {
    const original = Math.random;
    const expected = new SeededRandom(3).next();
    expect(withSeededMathRandom(new SeededRandom(3), () => Math.random())).toBe(expected);
    expect(() =>
      withSeededMathRandom(new SeededRandom(3), () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(Math.random).toBe(original);
  });
});
