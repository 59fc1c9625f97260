import {
  CELL_TYPES,
  type CellComparison,
  type CompareResponse,
  type ModelSummary,
} from '@newscell/contracts';

/**
 * Side-by-side figures per cell type from the models' saved metrics. Every cell type is listed
 * (with zero models and null figures when it has none) so a dashboard's columns stay put. Ties on
 * best accuracy go to the newer model.
 */
export function compareCells(models: readonly ModelSummary[], now = new Date()): CompareResponse {
  const cells = CELL_TYPES.map((cell): CellComparison => {
    const all = models.filter((m) => m.cell === cell);
    const scored = all.filter((m) => m.accuracy !== null);
    const best = bestByAccuracy(scored);
    return {
      cell,
      models: all.length,
      scoredModels: scored.length,
      bestModelId: best?.id ?? null,
      accuracy: { best: best?.accuracy ?? null, mean: mean(scored.map((m) => m.accuracy)) },
      macroF1: {
        best: max(scored.map((m) => m.macroF1)),
        mean: mean(scored.map((m) => m.macroF1)),
      },
      meanTrainingSeconds: mean(all.map((m) => m.trainingSeconds)),
      meanSamplesPerSecond: mean(all.map((m) => m.samplesPerSecond)),
      meanParameterCount: mean(all.map((m) => m.parameterCount)),
      meanMsPerTextBatch1: mean(all.map((m) => m.inference?.msPerTextBatch1 ?? null)),
      meanMsPerTextBatch64: mean(all.map((m) => m.inference?.msPerTextBatch64 ?? null)),
    } as CellComparison;
  });
  return {
    cells,
    bestModelId: bestByAccuracy(models.filter((m) => m.accuracy !== null))?.id ?? null,
    generated: now.toISOString(),
  };
}

/** Highest test accuracy; the newer model on a tie. Models without accuracy never win. */
export function bestByAccuracy<T extends Pick<ModelSummary, 'accuracy' | 'created' | 'id'>>(
  models: readonly T[],
): T | undefined {
  let best: T | undefined;
  for (const m of models) {
    if (m.accuracy === null) continue;
    if (
      best === undefined ||
      m.accuracy > (best.accuracy as number) ||
      (m.accuracy === best.accuracy && m.created > best.created)
    ) {
      best = m;
    }
  }
  return best;
}

function present(values: readonly (number | null)[]): number[] {
  return values.filter((v): v is number => v !== null && Number.isFinite(v));
}

function mean(values: readonly (number | null)[]): number | null {
  const xs = present(values);
  return xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;
}

function max(values: readonly (number | null)[]): number | null {
  const xs = present(values);
  return xs.length === 0 ? null : Math.max(...xs);
}
