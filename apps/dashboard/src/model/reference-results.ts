/**
 * Published AG News test accuracies, to place a run against. All were trained on the full
 * 120,000-row training set, which a quick run on a subset should not be expected to match.
 */
export interface ReferenceResult {
  name: string;
  source: string;
  accuracy: number;
  trainingRows: number;
}

export const REFERENCE_RESULTS: readonly ReferenceResult[] = [
  { name: 'LSTM', source: 'Zhang et al. 2015', accuracy: 0.861, trainingRows: 120_000 },
  { name: 'n-gram TF-IDF', source: 'Zhang et al. 2015', accuracy: 0.924, trainingRows: 120_000 },
  { name: 'fastText', source: 'Joulin et al. 2016', accuracy: 0.925, trainingRows: 120_000 },
];
