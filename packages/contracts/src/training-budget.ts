import Type, { type Static } from 'typebox';

/**
 * How much one training may cost, and one comparison in all. The API refuses a job or a
 * comparison above it with `LIMIT_EXCEEDED` before enqueueing; `runTraining` (worker, CLI)
 * refuses it again before training. The defaults let every sensible AG News job through (the
 * dashboard's largest — any cell at 200 epochs on all 120,000 rows — and every cell's defaults)
 * and stop what no machine here can train.
 */
export interface TrainingBudget {
  /** Peak training memory of one job, MiB. @defaultValue 4096 (the wasm backend's heap is 4 GiB) */
  maxJobMemoryMb: number;
  /** Compute of one job, GFLOP (10⁹ operations). @defaultValue 10,000,000 (≈ a week here) */
  maxJobGflop: number;
  /** Compute of all trainings of one comparison together, GFLOP. @defaultValue 50,000,000 */
  maxComparisonGflop: number;
}

export const TRAINING_BUDGET_DEFAULTS: TrainingBudget = {
  maxJobMemoryMb: 4096,
  maxJobGflop: 10_000_000,
  maxComparisonGflop: 50_000_000,
};

/** The environment variable behind each budget field (messages name it). */
export const TRAINING_BUDGET_VARIABLES = {
  maxJobMemoryMb: 'NEWSCELL_MAX_JOB_MEMORY_MB',
  maxJobGflop: 'NEWSCELL_MAX_JOB_GFLOP',
  maxComparisonGflop: 'NEWSCELL_MAX_COMPARISON_GFLOP',
} as const satisfies Record<keyof TrainingBudget, string>;

/** The budget's variables, to spread into an app's environment schema. */
export const TrainingBudgetEnvSchema = Type.Object({
  NEWSCELL_MAX_JOB_MEMORY_MB: Type.Integer({
    minimum: 1,
    default: TRAINING_BUDGET_DEFAULTS.maxJobMemoryMb,
  }),
  NEWSCELL_MAX_JOB_GFLOP: Type.Number({
    exclusiveMinimum: 0,
    default: TRAINING_BUDGET_DEFAULTS.maxJobGflop,
  }),
  NEWSCELL_MAX_COMPARISON_GFLOP: Type.Number({
    exclusiveMinimum: 0,
    default: TRAINING_BUDGET_DEFAULTS.maxComparisonGflop,
  }),
});

/** The budget from validated environment values (see `TrainingBudgetEnvSchema`). */
export function trainingBudgetFromEnv(e: Static<typeof TrainingBudgetEnvSchema>): TrainingBudget {
  return {
    maxJobMemoryMb: e.NEWSCELL_MAX_JOB_MEMORY_MB,
    maxJobGflop: e.NEWSCELL_MAX_JOB_GFLOP,
    maxComparisonGflop: e.NEWSCELL_MAX_COMPARISON_GFLOP,
  };
}
