import type { CellType, ModelSummary } from '@newscell/contracts';
import { CELLS } from './cells.js';

/** Mean and sample standard deviation (null below two values) of the non-null values. */
export interface Spread {
  n: number;
  mean: number | null;
  sd: number | null;
}

export function spread(values: readonly (number | null)[]): Spread {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const n = xs.length;
  if (n === 0) return { n, mean: null, sd: null };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { n, mean, sd: null };
  const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1);
  return { n, mean, sd: Math.sqrt(variance) };
}

export interface CellStats {
  cell: CellType;
  models: number;
  accuracy: Spread;
  macroF1: Spread;
  trainingSeconds: Spread;
  parameterCount: Spread;
}

/**
 * Per cell: mean ± standard deviation over its models (several seeds of one setting are what
 * makes the spread meaningful). Cells without models are left out.
 */
export function cellStats(models: readonly ModelSummary[]): CellStats[] {
  return CELLS.flatMap((cell) => {
    const own = models.filter((m) => m.cell === cell);
    if (own.length === 0) return [];
    return [
      {
        cell,
        models: own.length,
        accuracy: spread(own.map((m) => m.accuracy)),
        macroF1: spread(own.map((m) => m.macroF1)),
        trainingSeconds: spread(own.map((m) => m.trainingSeconds)),
        parameterCount: spread(own.map((m) => m.parameterCount)),
      },
    ];
  });
}
