import { describe, expect, it } from 'vitest';
import {
  keepProbabilities,
  MAX_EXP,
  SIGMOID_TABLE_SIZE,
  sigmoidTable,
  unigramTable,
} from '../src/negative-sampling.js';

describe('negative-sampling tables', () => {
  it('lays out ids in proportion to count^0.75 and never includes zero-count ids', () => {
    const counts = Float64Array.from([0, 0, 16, 1, 0, 81]);
    const table = unigramTable(counts, 1 << 16);
    const share = (id: number) => table.filter((v) => v === id).length / table.length;
    const total = 16 ** 0.75 + 1 + 81 ** 0.75;
    expect(share(2)).toBeCloseTo(16 ** 0.75 / total, 2);
    expect(share(3)).toBeCloseTo(1 / total, 2);
    expect(share(5)).toBeCloseTo(81 ** 0.75 / total, 2);
    expect(share(0) + share(1) + share(4)).toBe(0);
  });

  it('subsamples only words more frequent than the threshold', () => {
    const counts = Float64Array.from([0, 0, 500, 10, 1]);
    const keep = keepProbabilities(counts, 1000, 1e-2); // t·N = 10
    expect(keep[4]).toBe(1);
    expect(keep[3]).toBe(1);
    expect(keep[2]).toBeCloseTo((Math.sqrt(50) + 1) / 50, 5);
    expect([...keepProbabilities(counts, 1000, 0)].every((p) => p === 1)).toBe(true);
  });

  it('tabulates the sigmoid over [-MAX_EXP, MAX_EXP]', () => {
    const table = sigmoidTable();
    expect(table).toHaveLength(SIGMOID_TABLE_SIZE + 1);
    expect(table[0]).toBeCloseTo(1 / (1 + Math.exp(MAX_EXP)), 5);
    expect(table[SIGMOID_TABLE_SIZE / 2]).toBeCloseTo(0.5, 5);
    expect(table[SIGMOID_TABLE_SIZE]).toBeCloseTo(1 / (1 + Math.exp(-MAX_EXP)), 5);
  });
});
