import { describe, expect, it } from 'vitest';
import { percent } from '../src/model/format.js';
import { shareAxis } from '../src/model/share-axis.js';

const ticks = (axis: ReturnType<typeof shareAxis>) => {
  const out: string[] = [];
  for (let v = axis.min; v <= axis.max + 1e-9; v += axis.interval) {
    out.push(percent(v, axis.decimals));
  }
  return out;
};

describe('shareAxis', () => {
  it('fits close accuracies so their differences show, and says it does not start at 0', () => {
    const axis = shareAxis([0.8639, 0.8721, 0.8753, 0.8774]);
    expect(axis.fitted).toBe(true);
    expect(axis.min).toBeGreaterThan(0.8);
    expect(axis.min).toBeLessThanOrEqual(0.8639);
    expect(axis.max).toBeGreaterThanOrEqual(0.8774);
    expect(axis.max).toBeLessThan(0.9);
  });

  it('labels every tick differently (no "88 %, 88 %, 87 %")', () => {
    for (const values of [
      [0.8639, 0.8774],
      [0.87, 0.8705],
      [0.5, 0.52],
      [0.25, 0.935],
      [0.999, 1],
    ]) {
      const labels = ticks(shareAxis(values));
      expect(new Set(labels).size, `${values}: ${labels}`).toBe(labels.length);
      expect(labels.length, `${values}: ${labels}`).toBeGreaterThanOrEqual(2);
    }
  });

  it('keeps the data (and reference lines passed with it) inside the axis, within 0..100 %', () => {
    const values = [0.25, 0.6, 0.924, 0.925];
    const axis = shareAxis(values);
    for (const v of values) {
      expect(v).toBeGreaterThanOrEqual(axis.min);
      expect(v).toBeLessThanOrEqual(axis.max);
    }
    expect(axis.min).toBeGreaterThanOrEqual(0);
    expect(axis.max).toBeLessThanOrEqual(1);
  });

  it('falls back to 0–100 % with nothing to show', () => {
    expect(shareAxis([null])).toMatchObject({ min: 0, max: 1, fitted: false });
  });
});
