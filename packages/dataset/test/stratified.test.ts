import { describe, expect, it } from 'vitest';
import { stratifiedSample, stratifiedSplit } from '../src/index.js';

/** `counts[c]` examples of label c, interleaved the way a file might hold them. */
function examples(counts: number[]): { label: number; id: number }[] {
  const out: { label: number; id: number }[] = [];
  const left = [...counts];
  while (left.some((n) => n > 0)) {
    left.forEach((n, label) => {
      if (n > 0) {
        out.push({ label, id: out.length });
        left[label] = n - 1;
      }
    });
  }
  return out;
}

const countBy = (items: { label: number }[]) =>
  items.reduce<number[]>((acc, { label }) => {
    acc[label] = (acc[label] ?? 0) + 1;
    return acc;
  }, []);
const ids = (items: { id: number }[]) => items.map((item) => item.id);

describe('stratifiedSplit', () => {
  it('holds out the requested share of every class, in input order, covering everything once', () => {
    const data = examples([100, 50, 30, 20]);
    const { train, validation } = stratifiedSplit(data, { validationFraction: 0.2, seed: 1 });
    expect(countBy(validation)).toEqual([20, 10, 6, 4]);
    expect(countBy(train)).toEqual([80, 40, 24, 16]);
    expect([...ids(train), ...ids(validation)].sort((a, b) => a - b)).toEqual(ids(data));
    expect(ids(validation)).toEqual([...ids(validation)].sort((a, b) => a - b));
  });

  it('hits the exact total with largest remainders when shares are fractional', () => {
    const { validation } = stratifiedSplit(examples([7, 7, 7]), {
      validationFraction: 0.5,
      seed: 3,
    });
    expect(validation).toHaveLength(11);
    expect(countBy(validation)).toEqual([4, 4, 3]);
  });

  it('is deterministic per seed and pinned across machines', () => {
    const data = examples([6, 6]);
    const a = stratifiedSplit(data, { validationFraction: 0.5, seed: 42 });
    expect(stratifiedSplit(data, { validationFraction: 0.5, seed: 42 })).toEqual(a);
    expect(ids(a.validation)).toEqual(PINNED_VALIDATION_SEED_42);
    const others = [1, 2, 3, 4, 5].map((seed) =>
      ids(stratifiedSplit(data, { validationFraction: 0.5, seed }).validation),
    );
    expect(others.some((other) => other.join() !== ids(a.validation).join())).toBe(true);
  });

  it('uses a fraction of 0.1 and seed 42 by default, and 0 gives everything to train', () => {
    const data = examples([10, 10]);
    expect(stratifiedSplit(data)).toEqual(
      stratifiedSplit(data, { validationFraction: 0.1, seed: 42 }),
    );
    expect(stratifiedSplit(data).validation).toHaveLength(2);
    expect(stratifiedSplit(data, { validationFraction: 0 }).train).toHaveLength(20);
  });

  it('rejects bad fractions, seeds and labels', () => {
    for (const validationFraction of [-0.1, 1, Number.NaN]) {
      expect(() => stratifiedSplit(examples([2]), { validationFraction })).toThrow(
        /validationFraction must be a number in \[0, 1\)/,
      );
    }
    expect(() => stratifiedSplit(examples([2]), { seed: -3 })).toThrow(/seed must be an integer/);
    expect(() => stratifiedSplit([{ label: 1.5 }])).toThrow(
      /examples\[0\]\.label must be a non-negative integer, got 1\.5/,
    );
  });
});

describe('stratifiedSample', () => {
  it('takes at most perClass of each class, in input order', () => {
    const sample = stratifiedSample(examples([10, 3, 8, 10]), { perClass: 5, seed: 9 });
    expect(countBy(sample)).toEqual([5, 3, 5, 5]);
    expect(ids(sample)).toEqual([...ids(sample)].sort((a, b) => a - b));
  });

  it('nests: a smaller perClass sample lies inside a larger one with the same seed', () => {
    const data = examples([40, 40, 40]);
    const small = new Set(ids(stratifiedSample(data, { perClass: 5, seed: 4 })));
    const large = new Set(ids(stratifiedSample(data, { perClass: 20, seed: 4 })));
    expect([...small].every((id) => large.has(id))).toBe(true);
  });

  it('takes a total in the input class proportions, or everything if the total is larger', () => {
    const data = examples([60, 30, 10]);
    expect(countBy(stratifiedSample(data, { total: 10, seed: 2 }))).toEqual([6, 3, 1]);
    expect(stratifiedSample(data, { total: 1000 })).toEqual(data);
    expect(stratifiedSample(data, { total: 10, seed: 2 })).toEqual(
      stratifiedSample(data, { total: 10, seed: 2 }),
    );
    expect(ids(stratifiedSample(data, { total: 10, seed: 2 }))).not.toEqual(
      ids(stratifiedSample(data, { total: 10, seed: 3 })),
    );
  });

  it('needs exactly one positive integer limit', () => {
    const data = examples([3, 3]);
    expect(() => stratifiedSample(data, {} as { total: number })).toThrow(
      /exactly one of perClass or total/,
    );
    expect(() =>
      stratifiedSample(data, { perClass: 1, total: 2 } as unknown as { total: number }),
    ).toThrow(/exactly one/);
    expect(() => stratifiedSample(data, { perClass: 0 })).toThrow(
      /perClass must be a positive integer, got 0/,
    );
    expect(() => stratifiedSample(data, { total: 2.5 })).toThrow(
      /total must be a positive integer, got 2\.5/,
    );
  });
});

const PINNED_VALIDATION_SEED_42 = [2, 4, 5, 7, 9, 10];
