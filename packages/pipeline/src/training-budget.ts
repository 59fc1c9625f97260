import {
  NewscellError,
  TRAINING_BUDGET_DEFAULTS,
  TRAINING_BUDGET_VARIABLES,
  type TrainingBudget,
} from '@newscell/contracts';
import type { TrainingCostEstimate } from './training-cost.js';

const GIB = 1024 ** 3;

/**
 * Throws `LIMIT_EXCEEDED` when one training's estimate is over the budget, naming the estimate,
 * the limit and its variable, e.g. `training job: estimated 2,764 GiB of training memory exceeds
 * the limit 4 GiB (NEWSCELL_MAX_JOB_MEMORY_MB=4096); …`.
 */
export function checkTrainingBudget(
  estimate: TrainingCostEstimate,
  budget: TrainingBudget = TRAINING_BUDGET_DEFAULTS,
  what = 'training job',
): void {
  const memoryLimit = budget.maxJobMemoryMb * 1024 ** 2;
  if (estimate.memoryBytes > memoryLimit) {
    const variable = TRAINING_BUDGET_VARIABLES.maxJobMemoryMb;
    throw new NewscellError(
      'LIMIT_EXCEEDED',
      `${what}: estimated ${gib(estimate.memoryBytes)} GiB of training memory exceeds the limit ${gib(memoryLimit)} GiB (${variable}=${budget.maxJobMemoryMb}); lower training.batchSize, tokenizer.maxLength, model.hiddenUnits/layers or tokenizer.maxVocabulary × model.embeddingDim`,
      {
        details: {
          limit: variable,
          value: budget.maxJobMemoryMb,
          estimateBytes: estimate.memoryBytes,
          parameters: estimate.parameters,
        },
      },
    );
  }
  const gflop = estimate.flops / 1e9;
  if (gflop > budget.maxJobGflop) {
    const variable = TRAINING_BUDGET_VARIABLES.maxJobGflop;
    throw new NewscellError(
      'LIMIT_EXCEEDED',
      `${what}: estimated ${count(gflop)} GFLOP of training compute exceeds the limit ${count(budget.maxJobGflop)} GFLOP (${variable}); lower training.epochs, data.trainPerClass or the model's size`,
      { details: { limit: variable, value: budget.maxJobGflop, estimateGflop: gflop } },
    );
  }
}

/**
 * Checks every training of a comparison against the per-job budget, then their compute together
 * against `maxComparisonGflop`.
 */
export function checkComparisonBudget(
  children: { label: string; estimate: TrainingCostEstimate }[],
  budget: TrainingBudget = TRAINING_BUDGET_DEFAULTS,
): void {
  for (const child of children) checkTrainingBudget(child.estimate, budget, child.label);
  const gflop = children.reduce((sum, c) => sum + c.estimate.flops, 0) / 1e9;
  if (gflop > budget.maxComparisonGflop) {
    const variable = TRAINING_BUDGET_VARIABLES.maxComparisonGflop;
    throw new NewscellError(
      'LIMIT_EXCEEDED',
      `comparison: estimated ${count(gflop)} GFLOP of training compute over its ${children.length} trainings exceeds the limit ${count(budget.maxComparisonGflop)} GFLOP (${variable}); fewer cells or seeds, fewer epochs or less data`,
      {
        details: {
          limit: variable,
          value: budget.maxComparisonGflop,
          estimateGflop: gflop,
          trainings: children.length,
        },
      },
    );
  }
}

function gib(bytes: number): string {
  const value = bytes / GIB;
  return value >= 100 ? count(value) : String(Number(value.toPrecision(3)));
}

function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
