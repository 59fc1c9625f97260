import { describe, expect, it } from 'vitest';
import { argMax, classificationMetrics } from '../src/classification-metrics.js';

describe('classificationMetrics', () => {
  it('computes accuracy, per-class scores, macro-F1, confusion and log loss by hand', () => {
    // true:      0    0    1    1    2    2
    // predicted: 0    1    1    1    0    2   (class 2 rows: one right, one wrong)
    const labels = [0, 0, 1, 1, 2, 2];
    const p = Float32Array.from(
      [
        [0.7, 0.2, 0.1],
        [0.3, 0.6, 0.1],
        [0.1, 0.8, 0.1],
        [0.2, 0.5, 0.3],
        [0.5, 0.1, 0.4],
        [0.1, 0.1, 0.8],
      ].flat(),
    );
    const m = classificationMetrics(labels, p, 3, ['a', 'b', 'c']);
    expect(m.n).toBe(6);
    expect(m.accuracy).toBeCloseTo(4 / 6);
    expect(m.confusionMatrix).toEqual([
      [1, 1, 0],
      [0, 2, 0],
      [1, 0, 1],
    ]);
    const [a, b, c] = m.perClass;
    expect(a).toMatchObject({ label: 'a', precision: 0.5, recall: 0.5, support: 2 });
    expect(b?.precision).toBeCloseTo(2 / 3);
    expect(b?.recall).toBe(1);
    expect(b?.f1).toBeCloseTo(0.8);
    expect(c).toMatchObject({ precision: 1, recall: 0.5 });
    expect(c?.f1).toBeCloseTo(2 / 3);
    expect(m.macroF1).toBeCloseTo((0.5 + 0.8 + 2 / 3) / 3);
    const expectedLogLoss =
      -(
        Math.log(0.7) +
        Math.log(0.3) +
        Math.log(0.8) +
        Math.log(0.5) +
        Math.log(0.4) +
        Math.log(0.8)
      ) / 6;
    expect(m.logLoss).toBeCloseTo(expectedLogLoss, 5);
  });

  it('scores absent classes as zero and clips log loss', () => {
    const m = classificationMetrics([0, 0], Float32Array.from([1, 0, 0, 1]), 2);
    expect(m.perClass[1]).toMatchObject({ precision: 0, recall: 0, f1: 0, support: 0 });
    expect(m.logLoss).toBeCloseTo(-Math.log(1e-7) / 2, 3);
    expect(Number.isFinite(m.logLoss)).toBe(true);
  });

  it('refuses probabilities of the wrong size', () => {
    expect(() => classificationMetrics([0, 1], new Float32Array(3), 2)).toThrow(
      /3 values, expected 2 rows × 2 classes/,
    );
  });

  it('argMax takes the first of equal maxima', () => {
    expect(argMax([0.2, 0.4, 0.4])).toBe(1);
  });
});
