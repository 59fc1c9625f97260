import { isNewscellError } from '@newscell/contracts';
import { expect, it, describe as suite } from 'vitest';
import {
  binomialTwoSidedPValue,
  describe,
  disagreements,
  mcnemar,
  pairedCounts,
  pairwiseComparisons,
  pooledMcNemar,
} from '../src/index.js';

/** Labels 0..3 repeating; a model is right on the given rows and off by one elsewhere. */
function model(n: number, rightOn: (i: number) => boolean): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => (rightOn(i) ? i % 4 : (i + 1) % 4));
}
const labels = (n: number) => Int32Array.from({ length: n }, (_, i) => i % 4);

function expectError(fn: () => unknown, pattern: RegExp) {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(isNewscellError(error), String(error)).toBe(true);
  expect((error as Error).message).toMatch(pattern);
}

suite('describe', () => {
  it('gives mean and sample standard deviation', () => {
    expect(describe([0.86, 0.87, 0.88])).toEqual({
      n: 3,
      mean: expect.closeTo(0.87, 12),
      sd: expect.closeTo(0.01, 12),
      min: 0.86,
      max: 0.88,
    });
    expect(describe([0.5]).sd).toBe(0);
  });
  it('names the bad value', () => {
    expectError(() => describe([], 'accuracy'), /accuracy: nothing to summarise/);
    expectError(() => describe([1, Number.NaN], 'accuracy'), /accuracy\[1\] is NaN/);
  });
});

suite('binomialTwoSidedPValue', () => {
  it('matches exact values', () => {
    // 2 · (C(12,0) + C(12,1) + C(12,2)) / 2^12 = 158 / 4096
    expect(binomialTwoSidedPValue(2, 12)).toBeCloseTo(158 / 4096, 12);
    expect(binomialTwoSidedPValue(10, 12)).toBeCloseTo(158 / 4096, 12);
    expect(binomialTwoSidedPValue(0, 5)).toBeCloseTo(2 / 32, 12);
    expect(binomialTwoSidedPValue(3, 6)).toBe(1);
    expect(binomialTwoSidedPValue(0, 0)).toBe(1);
  });
  it('stays accurate for large n (normal approximation as reference)', () => {
    // X ~ Bin(10000, ½): sd 50; P(X ≤ 4900) ≈ Φ((4900.5 − 5000) / 50) = Φ(−1.99) ≈ 0.02330
    expect(binomialTwoSidedPValue(4900, 10_000)).toBeCloseTo(0.0466, 3);
    const tiny = binomialTwoSidedPValue(1000, 30_000);
    expect(tiny).toBeGreaterThanOrEqual(0);
    expect(tiny).toBeLessThan(1e-300);
  });
  it('refuses impossible arguments', () => {
    expectError(() => binomialTwoSidedPValue(5, 3), /0 ≤ k ≤ n, got k=5, n=3/);
  });
});

suite('mcnemar', () => {
  const n = 100;
  const y = labels(n);
  // A right on rows 0..79; B right on rows 10..79 and 80..81: onlyA = 10, onlyB = 2.
  const a = model(n, (i) => i < 80);
  const b = model(n, (i) => (i >= 10 && i < 80) || i === 80 || i === 81);

  it('counts the paired outcomes', () => {
    expect(pairedCounts(y, a, b)).toEqual({ both: 70, onlyA: 10, onlyB: 2, neither: 18 });
  });
  it('tests the discordant pairs: exact p and the corrected χ²', () => {
    const result = mcnemar(y, a, b);
    expect(result.pValue).toBeCloseTo(158 / 4096, 12);
    expect(result.statistic).toBeCloseTo(49 / 12, 12);
    expect(result.winner).toBe('a');
    expect(mcnemar(y, b, a).winner).toBe('b');
    expect(mcnemar(y, a, b, 0.01).winner).toBeNull();
    expect(mcnemar(y, a, a)).toMatchObject({ pValue: 1, statistic: 0, winner: null });
  });
  it('pools tables over seeds by adding their counts', () => {
    const t = pairedCounts(y, a, b);
    const pooled = pooledMcNemar([t, t]);
    expect(pooled).toMatchObject({ onlyA: 20, onlyB: 4, n: 200 });
    expect(pooled.pValue).toBeCloseTo(binomialTwoSidedPValue(4, 24), 12);
    expect(pooled.pValue).toBeLessThan(mcnemar(y, a, b).pValue);
  });
  it('refuses predictions of another length', () => {
    expectError(
      () => mcnemar(y, a, b.subarray(1)),
      /predictions b has 99 items but labels has 100/,
    );
  });
});

suite('pairwiseComparisons', () => {
  it('pairs runs by key, per pair and combined, and lists unpaired runs', () => {
    const n = 40;
    const y = labels(n);
    const runs = [
      { group: 'gru', pairKey: '1', predicted: model(n, (i) => i < 36) },
      { group: 'gru', pairKey: '2', predicted: model(n, (i) => i < 35) },
      { group: 'rnn', pairKey: '1', predicted: model(n, (i) => i < 30) },
      { group: 'rnn', pairKey: '2', predicted: model(n, (i) => i < 28) },
      { group: 'rnn', pairKey: '3', predicted: model(n, (i) => i < 28) },
    ];
    const { groups, comparisons, unpaired } = pairwiseComparisons(y, runs);
    expect(groups).toEqual(['gru', 'rnn']);
    expect(comparisons).toHaveLength(1);
    const [gruRnn] = comparisons;
    expect(gruRnn?.perPair.map((p) => [p.pairKey, p.onlyA, p.onlyB])).toEqual([
      ['1', 6, 0],
      ['2', 7, 0],
    ]);
    expect(gruRnn?.combined).toMatchObject({ onlyA: 13, onlyB: 0, winner: 'a' });
    expect(gruRnn?.combined.pValue).toBeCloseTo(2 / 2 ** 13, 12);
    expect(unpaired).toEqual([{ group: 'rnn', pairKey: '3' }]);
  });
  it('refuses two runs of one group with the same key', () => {
    const y = labels(4);
    const p = model(4, () => true);
    expectError(
      () =>
        pairwiseComparisons(y, [
          { group: 'gru', pairKey: '1', predicted: p },
          { group: 'gru', pairKey: '1', predicted: p },
        ]),
      /runs\[1\]: group 'gru' already has a run with pairKey '1'/,
    );
  });
});

suite('disagreements', () => {
  const y = labels(8);
  const models = {
    gru: Int32Array.from([0, 1, 2, 3, 0, 1, 2, 3]),
    lstm: Int32Array.from([0, 1, 2, 0, 0, 1, 3, 3]),
    rnn: Int32Array.from([0, 2, 2, 0, 0, 1, 3, 3]),
  };
  it('lists the items where the models differ, with who was right', () => {
    const { total, items } = disagreements(y, models);
    expect(total).toBe(3);
    expect(items.map((d) => d.index)).toEqual([1, 3, 6]);
    expect(items[0]).toEqual({
      index: 1,
      label: 1,
      predicted: { gru: 1, lstm: 1, rnn: 2 },
      correct: ['gru', 'lstm'],
    });
  });
  it('pages and filters', () => {
    expect(disagreements(y, models, { offset: 1, limit: 1 })).toMatchObject({
      total: 3,
      items: [{ index: 3 }],
    });
    expect(disagreements(y, models, { onlyCorrect: 'gru' }).items.map((d) => d.index)).toEqual([
      3, 6,
    ]);
    expect(disagreements(y, models, { onlyWrong: 'rnn' }).items.map((d) => d.index)).toEqual([1]);
  });
  it('names an unknown model and a length mismatch', () => {
    expectError(() => disagreements(y, models, { onlyCorrect: 'bow' }), /no model named 'bow'/);
    expectError(
      () => disagreements(y, { a: Int32Array.from([1]) }),
      /model 'a' has 1 predictions but there are 8 labels/,
    );
  });
});
