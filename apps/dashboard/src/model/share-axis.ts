/**
 * A value axis for shares (accuracy, F1: 0..1) fitted to the data instead of 0–100 %, so that
 * 86.4 % and 87.7 % look different. Ticks fall on round steps (0.1, 0.2, 0.5, 1, 2, 5, 10 or 20
 * percentage points) and are labelled with just enough decimals that no two labels read alike.
 */
export interface ShareAxis {
  min: number;
  max: number;
  /** Distance between ticks, as a share. */
  interval: number;
  /** Decimals of a tick label in percent. */
  decimals: number;
  /** True when the axis does not start at 0 %: the chart must say so. */
  fitted: boolean;
}

const STEPS = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2];

/**
 * The axis for `values` (nulls ignored): their range plus a margin of 15 % of it (at least half a
 * point), on at most `maxTicks` intervals, clamped to 0..1. With no values, 0–100 %.
 */
export function shareAxis(values: readonly (number | null)[], maxTicks = 6): ShareAxis {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (present.length === 0) return { min: 0, max: 1, interval: 0.2, decimals: 0, fitted: false };
  const low = Math.max(0, Math.min(...present));
  const high = Math.min(1, Math.max(...present));
  const margin = Math.max((high - low) * 0.15, 0.005);
  for (const interval of STEPS) {
    // Rounded to the step's own precision: 0.86 / 0.01 is 85.99999… in floating point.
    const min = Math.max(0, round(Math.floor(round((low - margin) / interval)) * interval));
    const max = Math.min(1, round(Math.ceil(round((high + margin) / interval)) * interval));
    if ((max - min) / interval <= maxTicks + 1e-9) {
      return { min, max, interval, decimals: decimalsOf(interval), fitted: min > 0 };
    }
  }
  return { min: 0, max: 1, interval: 0.2, decimals: 0, fitted: false };
}

/** Decimals a label in percent needs for ticks `interval` apart (0.005 → 0.5 points → 1). */
function decimalsOf(interval: number): number {
  const points = interval * 100;
  return points >= 1 ? 0 : Math.ceil(-Math.log10(points) - 1e-9);
}

function round(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}
