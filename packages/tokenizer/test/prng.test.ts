import { describe, expect, it } from 'vitest';
import { Prng } from '../src/prng.js';

describe('Prng', () => {
  it('repeats the same sequence for the same seed and differs for another', () => {
    const draw = (seed: number) => {
      const prng = new Prng(seed);
      return Array.from({ length: 5 }, () => prng.nextUint32());
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    expect(draw(0).every((value) => Number.isInteger(value) && value >= 0 && value < 2 ** 32)).toBe(
      true,
    );
  });

  it('draws floats in [0, 1), integers in [0, n) and normals with the right moments', () => {
    const prng = new Prng(1);
    let sum = 0;
    let squares = 0;
    const n = 50_000;
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < n; i++) {
      const f = prng.nextFloat();
      expect(f >= 0 && f < 1).toBe(true);
      const k = prng.nextInt(10);
      buckets[k] = (buckets[k] ?? 0) + 1;
      const z = prng.nextNormal();
      sum += z;
      squares += z * z;
    }
    for (const count of buckets) expect(Math.abs(count - n / 10)).toBeLessThan(n / 10 / 10);
    expect(Math.abs(sum / n)).toBeLessThan(0.02);
    expect(Math.abs(squares / n - 1)).toBeLessThan(0.03);
  });

  it('exposes a state that reproduces the generator when inlined', () => {
    const prng = new Prng(99);
    const [a0, b0, c0, d0] = prng.state();
    let [a, b, c, d] = [a0 as number, b0 as number, c0 as number, d0 as number];
    const rotl = (x: number, k: number) => (x << k) | (x >>> (32 - k));
    for (let i = 0; i < 100; i++) {
      const out = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
      const t = b << 9;
      c ^= a;
      d ^= b;
      b ^= c;
      a ^= d;
      c ^= t;
      d = rotl(d, 11);
      expect(out).toBe(prng.nextUint32());
    }
  });
});
