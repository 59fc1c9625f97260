import { describe, expect, it } from 'vitest';
import {
  type ChildMetrics,
  type CompletedChild,
  childMetricsFrom,
  summariseComparison,
} from '../src/comparison-summary.js';

const metrics = (accuracy: number, extra: Partial<ChildMetrics> = {}): ChildMetrics => ({
  accuracy,
  macroF1: accuracy - 0.01,
  perClass: [
    { label: 'World', f1: accuracy },
    { label: 'Sports', f1: accuracy - 0.02 },
  ],
  trainingSeconds: 10,
  samplesPerSecond: 100,
  parameterCount: 1000,
  msPerTextBatch1: 1,
  msPerTextBatch64: null,
  ...extra,
});

function child(
  cell: CompletedChild['cell'],
  seed: number,
  labels: number[],
  predicted: number[],
  accuracy: number,
): CompletedChild {
  return {
    jobId: `${cell}${seed}`,
    cell,
    seed,
    modelId: `${cell}-s${seed}`,
    metrics: metrics(accuracy),
    labels,
    predicted,
  };
}

describe('summariseComparison', () => {
  // Seed 1 and seed 2 are tested on different items (a seeded test subset).
  const l1 = [0, 1, 0, 1, 0, 1];
  const l2 = [1, 1, 0, 0, 1, 0];
  const completed = [
    child('gru', 1, l1, [0, 1, 0, 1, 0, 0], 0.9), // right on 0-4
    child('rnn', 1, l1, [1, 1, 0, 0, 0, 1], 0.8), // right on 1, 2, 4, 5
    child('gru', 2, l2, [1, 1, 0, 0, 1, 0], 0.7), // all right
    child('rnn', 2, l2, [0, 0, 0, 0, 1, 0], 0.6), // right on 2-5
  ];
  const summary = summariseComparison({
    cells: ['gru', 'rnn', 'lstm'],
    completed,
    outcomes: [
      { jobId: 'l1', cell: 'lstm', seed: 1, state: 'failed', reason: 'out of memory' },
      ...completed.map((c) => ({
        jobId: c.jobId,
        cell: c.cell,
        seed: c.seed,
        state: 'completed' as const,
        reason: null,
      })),
    ],
    cancelled: false,
  });

  it('gives mean ± sample sd over seeds per cell, in the order asked', () => {
    expect(summary.cells.map((c) => c.cell)).toEqual(['gru', 'rnn', 'lstm']);
    const gru = summary.cells[0]!;
    expect(gru.seeds).toEqual([1, 2]);
    expect(gru.accuracy.mean).toBeCloseTo(0.8, 12);
    expect(gru.accuracy.sd).toBeCloseTo(Math.SQRT2 * 0.1, 12);
    expect(gru.perClassF1.map((c) => c.label)).toEqual(['World', 'Sports']);
    expect(gru.perClassF1[1]!.f1.mean).toBeCloseTo(0.78, 12);
    expect(gru.msPerTextBatch64).toEqual({ n: 0, mean: null, sd: null });
    expect(summary.cells[2]).toMatchObject({
      cell: 'lstm',
      seeds: [],
      accuracy: { n: 0, mean: null },
    });
  });

  it("counts McNemar on each seed's own items, then pools the counts", () => {
    expect(summary.pairwise).toHaveLength(1);
    const [pair] = summary.pairwise;
    expect(pair).toMatchObject({ a: 'gru', b: 'rnn' });
    expect(
      pair!.perSeed.map(({ seed, both, onlyA, onlyB, neither }) => ({
        seed,
        both,
        onlyA,
        onlyB,
        neither,
      })),
    ).toEqual([
      { seed: 1, both: 3, onlyA: 2, onlyB: 1, neither: 0 },
      { seed: 2, both: 4, onlyA: 2, onlyB: 0, neither: 0 },
    ]);
    expect(pair!.combined).toMatchObject({ n: 12, both: 7, onlyA: 4, onlyB: 1 });
    // 4 : 1 discordant: p = 2 * (1 + 5) / 32
    expect(pair!.combined.pValue).toBeCloseTo(12 / 32, 12);
    expect(pair!.combined.winner).toBeNull();
  });

  it('lists the children that did not complete', () => {
    expect(summary.notCompleted).toEqual([
      { jobId: 'l1', cell: 'lstm', seed: 1, state: 'failed', reason: 'out of memory' },
    ]);
    expect(summary.children).toHaveLength(5);
    expect(summary.testItems).toBe(6);
  });

  it('refuses children of one seed tested on different items', () => {
    expect(() =>
      summariseComparison({
        cells: ['gru', 'rnn'],
        completed: [child('gru', 1, l1, l1, 1), child('rnn', 1, l2, l2, 1)],
        outcomes: [],
        cancelled: false,
      }),
    ).toThrow(/rnn-s1 was tested on other items than another child of seed 1/);
  });
});

describe('childMetricsFrom', () => {
  it('reads the figures of a metrics.json and names a missing one', () => {
    const json = {
      parameterCount: 12,
      test: { accuracy: 0.5, macroF1: 0.4, perClass: [{ label: 'World', f1: 0.3 }] },
      training: { seconds: 2, samplesPerSecond: 40 },
      inference: { msPerTextBatch1: 0.5, msPerTextBatch64: 0.1 },
    };
    expect(childMetricsFrom(json, 'm/metrics.json')).toEqual({
      accuracy: 0.5,
      macroF1: 0.4,
      perClass: [{ label: 'World', f1: 0.3 }],
      trainingSeconds: 2,
      samplesPerSecond: 40,
      parameterCount: 12,
      msPerTextBatch1: 0.5,
      msPerTextBatch64: 0.1,
    });
    expect(() => childMetricsFrom({ ...json, test: { macroF1: 1 } }, 'm/metrics.json')).toThrow(
      'm/metrics.json: test.accuracy is undefined',
    );
  });
});
