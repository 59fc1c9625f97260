import { describe, pairwiseComparisons, pooledMcNemar } from '@newscell/comparison';
import {
  type CellType,
  type ComparisonSummary,
  NewscellError,
  type Spread,
} from '@newscell/contracts';

/** A child training that completed, with what its model directory holds. */
export interface CompletedChild {
  jobId: string;
  cell: CellType;
  seed: number;
  modelId: string;
  metrics: ChildMetrics;
  /** Arg-max class per test item. */
  predicted: ArrayLike<number>;
  /** True class per test item (the same for every child of a comparison). */
  labels: ArrayLike<number>;
}

/** The figures of a model's `metrics.json` the summary uses. */
export interface ChildMetrics {
  accuracy: number;
  macroF1: number;
  perClass: { label: string; f1: number }[];
  trainingSeconds: number;
  samplesPerSecond: number;
  parameterCount: number;
  msPerTextBatch1: number | null;
  msPerTextBatch64: number | null;
}

export type ChildOutcome = ComparisonSummary['children'][number];

/** Reads the summary's figures from a parsed `metrics.json`, naming the first one missing. */
export function childMetricsFrom(json: unknown, file: string): ChildMetrics {
  const root = (json ?? {}) as Record<string, unknown>;
  const test = (root.test ?? {}) as Record<string, unknown>;
  const training = (root.training ?? {}) as Record<string, unknown>;
  const inference = (root.inference ?? {}) as Record<string, unknown>;
  const num = (value: unknown, field: string): number => {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new NewscellError('MODEL_CORRUPT', `${file}: ${field} is ${JSON.stringify(value)}`, {
        details: { file, field, value },
      });
    }
    return value;
  };
  const optional = (value: unknown) => (typeof value === 'number' ? value : null);
  const perClass = Array.isArray(test.perClass) ? test.perClass : [];
  return {
    accuracy: num(test.accuracy, 'test.accuracy'),
    macroF1: num(test.macroF1, 'test.macroF1'),
    perClass: perClass.map((c: Record<string, unknown>, i) => ({
      label: String(c.label ?? i),
      f1: num(c.f1, `test.perClass[${i}].f1`),
    })),
    trainingSeconds: num(training.seconds, 'training.seconds'),
    samplesPerSecond: num(training.samplesPerSecond, 'training.samplesPerSecond'),
    parameterCount: num(root.parameterCount, 'parameterCount'),
    msPerTextBatch1: optional(inference.msPerTextBatch1),
    msPerTextBatch64: optional(inference.msPerTextBatch64),
  };
}

function spread(values: number[]): Spread {
  if (values.length === 0) return { n: 0, mean: null, sd: null };
  const d = describe(values);
  return { n: d.n, mean: d.mean, sd: d.sd };
}

/**
 * The comparison's verdict: per cell mean ± sd over seeds, and McNemar per pair of cells (per
 * seed and pooled). Children that did not complete are listed in `notCompleted` only.
 */
export function summariseComparison(args: {
  cells: readonly CellType[];
  completed: readonly CompletedChild[];
  outcomes: readonly ChildOutcome[];
  cancelled: boolean;
  alpha?: number;
}): ComparisonSummary {
  const { completed } = args;
  // A test subset (testPerClass) is drawn with the data seed: items are shared within a seed only.
  const labelsBySeed = new Map<number, ArrayLike<number>>();
  for (const child of completed) {
    const labels = labelsBySeed.get(child.seed);
    if (labels === undefined) labelsBySeed.set(child.seed, child.labels);
    else if (!sameValues(labels, child.labels)) {
      throw new NewscellError(
        'MODEL_MISMATCH',
        `model ${child.modelId} was tested on other items than another child of seed ${child.seed}: the children of a seed must share test settings`,
        { details: { modelId: child.modelId, seed: child.seed } },
      );
    }
  }
  const cells = args.cells.map((cell) => {
    const runs = completed.filter((c) => c.cell === cell).sort((x, y) => x.seed - y.seed);
    const of = (pick: (m: ChildMetrics) => number | null) =>
      spread(runs.map((r) => pick(r.metrics)).filter((v): v is number => v !== null));
    const classLabels = runs[0]?.metrics.perClass.map((c) => c.label) ?? [];
    return {
      cell,
      seeds: runs.map((r) => r.seed),
      modelIds: runs.map((r) => r.modelId),
      accuracy: of((m) => m.accuracy),
      macroF1: of((m) => m.macroF1),
      perClassF1: classLabels.map((label, i) => ({
        label,
        f1: of((m) => m.perClass[i]?.f1 ?? null),
      })),
      trainingSeconds: of((m) => m.trainingSeconds),
      samplesPerSecond: of((m) => m.samplesPerSecond),
      parameterCount: of((m) => m.parameterCount),
      msPerTextBatch1: of((m) => m.msPerTextBatch1),
      msPerTextBatch64: of((m) => m.msPerTextBatch64),
    };
  });
  const pairwise = pairwiseBySeed(args.cells, completed, labelsBySeed, args.alpha);
  const outcomes = [...args.outcomes].sort(
    (x, y) => x.seed - y.seed || args.cells.indexOf(x.cell) - args.cells.indexOf(y.cell),
  );
  return {
    cancelled: args.cancelled,
    testItems: Math.max(0, ...[...labelsBySeed.values()].map((l) => l.length)),
    cells,
    pairwise,
    children: outcomes,
    notCompleted: outcomes.filter((o) => o.state !== 'completed'),
    generated: new Date().toISOString(),
  };
}

function sameValues(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** McNemar per pair of cells on each seed's own test items, then pooled over the seeds. */
function pairwiseBySeed(
  cells: readonly CellType[],
  completed: readonly CompletedChild[],
  labelsBySeed: ReadonlyMap<number, ArrayLike<number>>,
  alpha = 0.05,
): ComparisonSummary['pairwise'] {
  const pairs = new Map<string, ComparisonSummary['pairwise'][number]['perSeed']>();
  for (const [seed, labels] of [...labelsBySeed].sort(([x], [y]) => x - y)) {
    // Groups in the request's cell order, so pair (a, b) always reads as the user listed them.
    const runs = completed
      .filter((c) => c.seed === seed)
      .sort((x, y) => cells.indexOf(x.cell) - cells.indexOf(y.cell))
      .map((c) => ({ group: c.cell, pairKey: String(seed), predicted: c.predicted }));
    for (const c of pairwiseComparisons(labels, runs, alpha).comparisons) {
      const key = `${c.a}|${c.b}`;
      const list = pairs.get(key) ?? [];
      for (const { pairKey: _, ...result } of c.perPair) list.push({ seed, ...result });
      pairs.set(key, list);
    }
  }
  const result: ComparisonSummary['pairwise'] = [];
  for (let i = 0; i < cells.length; i++) {
    for (let j = i + 1; j < cells.length; j++) {
      const a = cells[i] as CellType;
      const b = cells[j] as CellType;
      const perSeed = pairs.get(`${a}|${b}`);
      if (perSeed === undefined || perSeed.length === 0) continue;
      result.push({ a, b, perSeed, combined: pooledMcNemar(perSeed, alpha) });
    }
  }
  return result;
}
