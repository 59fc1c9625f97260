import { NewscellError } from '@newscell/contracts';

/** Mean ± sample standard deviation of one figure over repeated runs (e.g. seeds). */
export interface Description {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1); 0 for a single value. */
  sd: number;
  min: number;
  max: number;
}

/** Summarises `values`; throws `INVALID_ARGUMENT` on an empty list or a non-finite value. */
export function describe(values: readonly number[], field = 'values'): Description {
  if (values.length === 0) {
    throw new NewscellError('INVALID_ARGUMENT', `${field}: nothing to summarise (empty list)`, {
      details: { field },
    });
  }
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new NewscellError(
      'INVALID_ARGUMENT',
      `${field}[${bad}] is ${String(values[bad])}, not a finite number`,
      { details: { field: `${field}[${bad}]`, value: String(values[bad]) } },
    );
  }
  const n = values.length;
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  return {
    n,
    mean,
    sd: n > 1 ? Math.sqrt(squares / (n - 1)) : 0,
    min: Math.min(...values),
    max: Math.max(...values),
  };
}
