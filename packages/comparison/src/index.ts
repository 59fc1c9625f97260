export { type Description, describe } from './describe.js';
export { type Disagreement, type DisagreementOptions, disagreements } from './disagreements.js';
export {
  binomialTwoSidedPValue,
  type McNemarResult,
  mcnemar,
  mcnemarFromCounts,
  type PairedCounts,
  pairedCounts,
  pooledMcNemar,
} from './mcnemar.js';
export { type GroupComparison, pairwiseComparisons, type ScoredRun } from './pairwise.js';
