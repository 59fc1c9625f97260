/**
 * The parts of `GET /v1/comparisons` (contracts' `ComparisonViewSchema`) and
 * `GET /v1/comparisons/:id/disagreements` (`ComparisonDisagreementPageSchema`) this dashboard
 * reads. Kept as a narrow subset with guards, not the contracts' types, so the bundle stays free
 * of typebox and an API of another version shows as "not readable", never as wrong numbers.
 */
export interface McNemarSummary {
  n: number;
  onlyA: number;
  onlyB: number;
  pValue: number;
  winner: 'a' | 'b' | null;
}

export interface PairwiseResult {
  a: string;
  b: string;
  combined: McNemarSummary;
}

export interface ComparisonRun {
  id: string;
  name?: string;
  state: string;
  cells: string[];
  /** Seeds of the run; disagreements are browsed one seed at a time (the test items may differ). */
  seeds: number[];
  pairwise: PairwiseResult[];
}

export interface Disagreement {
  index: number;
  text: string;
  label: string;
  /** Predicted topic name per cell. */
  predicted: Record<string, string>;
}

const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

function isPairwise(x: unknown): x is PairwiseResult {
  if (!isRecord(x) || typeof x.a !== 'string' || typeof x.b !== 'string') return false;
  const c = x.combined;
  return (
    isRecord(c) &&
    typeof c.pValue === 'number' &&
    typeof c.onlyA === 'number' &&
    typeof c.onlyB === 'number' &&
    (c.winner === 'a' || c.winner === 'b' || c.winner === null)
  );
}

export function isComparisonRun(x: unknown): x is ComparisonRun {
  return (
    isRecord(x) &&
    typeof x.id === 'string' &&
    (x.name === undefined || typeof x.name === 'string') &&
    typeof x.state === 'string' &&
    Array.isArray(x.cells) &&
    x.cells.every((c) => typeof c === 'string') &&
    Array.isArray(x.seeds) &&
    x.seeds.every((s) => typeof s === 'number') &&
    Array.isArray(x.pairwise) &&
    x.pairwise.every(isPairwise)
  );
}

export function isDisagreement(x: unknown): x is Disagreement {
  return (
    isRecord(x) &&
    typeof x.index === 'number' &&
    typeof x.text === 'string' &&
    typeof x.label === 'string' &&
    isRecord(x.predicted)
  );
}

/** Test accuracy of one cell over the completed seeds of a comparison (summary `cells[].accuracy`). */
export interface CellAccuracy {
  cell: string;
  n: number;
  mean: number | null;
  sd: number | null;
}

const isNumberOrNull = (x: unknown) => x === null || typeof x === 'number';

/** The per-cell accuracy spread of a comparison's summary; empty before the summary exists. */
export function cellAccuracies(run: unknown): CellAccuracy[] {
  if (!isRecord(run) || !isRecord(run.summary) || !Array.isArray(run.summary.cells)) return [];
  const out: CellAccuracy[] = [];
  for (const c of run.summary.cells) {
    if (!isRecord(c) || typeof c.cell !== 'string' || !isRecord(c.accuracy)) continue;
    const { n, mean, sd } = c.accuracy;
    if (typeof n !== 'number' || !isNumberOrNull(mean) || !isNumberOrNull(sd)) continue;
    out.push({ cell: c.cell, n, mean: mean as number | null, sd: sd as number | null });
  }
  return out;
}
