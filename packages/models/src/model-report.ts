import type { BackendInfo } from './backend.js';
import type { ClassifierModel } from './build-classifier.js';
import type { ClassificationMetrics } from './classification-metrics.js';
import type { InferenceTiming } from './evaluate-classifier.js';
import type { TrainingResult } from './train-classifier.js';
import type { EpochMetrics } from './training-checkpoint.js';

/** What `metrics.json` holds: everything the comparison dashboard shows about one model. */
export interface ModelReport {
  cell: ClassifierModel['config']['cell'];
  parameterCount: number;
  backend: Pick<BackendInfo, 'name' | 'version'>;
  test: ClassificationMetrics;
  training: {
    seconds: number;
    samplesPerSecond: number;
    epochsCompleted: number;
    stopReason: TrainingResult['stopReason'];
    bestEpoch: number | null;
    bestValidationLoss: number | null;
    history: EpochMetrics[];
  };
  inference: InferenceTiming;
}

/** Gathers training, test and latency figures of one model into its `metrics.json` shape. */
export function buildModelReport(args: {
  classifier: ClassifierModel;
  backend: BackendInfo;
  training: TrainingResult;
  test: ClassificationMetrics;
  inference: InferenceTiming;
}): ModelReport {
  const { classifier, backend, training, test, inference } = args;
  return {
    cell: classifier.config.cell,
    parameterCount: classifier.model.countParams(),
    backend: { name: backend.name, version: backend.version },
    test,
    training: {
      seconds: training.trainingSeconds,
      samplesPerSecond: training.samplesPerSecond,
      epochsCompleted: training.epochsCompleted,
      stopReason: training.stopReason,
      bestEpoch: training.bestEpoch,
      bestValidationLoss: training.bestValidationLoss,
      history: training.history,
    },
    inference,
  };
}
