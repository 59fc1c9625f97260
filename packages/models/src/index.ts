export type { GateActivation } from './activations.js';
export { writeDirectoryAtomically } from './atomic-directory.js';
export {
  BACKEND_NAMES,
  type BackendInfo,
  type BackendName,
  currentBackend,
  formatBackend,
  type InitBackendOptions,
  initBackend,
} from './backend.js';
export {
  type BuildClassifierOptions,
  buildClassifier,
  type ClassifierModel,
  LAYER_NAMES,
  usesFusedLayers,
} from './build-classifier.js';
export { readCheckpoint, writeCheckpoint } from './checkpoint-files.js';
export {
  type CheckedData,
  type ClassificationData,
  checkClassificationData,
} from './classification-data.js';
export {
  type ClassificationMetrics,
  type ClassMetrics,
  classificationMetrics,
} from './classification-metrics.js';
export {
  CELL_TYPES,
  type CellType,
  type ClassifierConfig,
  type ClassifierConfigInput,
  ClassifierConfigSchema,
  POOLING_TYPES,
  type PoolingType,
  RECURRENT_IMPLEMENTATIONS,
  type RecurrentImplementation,
  resolveClassifierConfig,
} from './classifier-config.js';
export {
  CELL_GATES,
  type ClassifierParameterCounts,
  countClassifierParameters,
} from './classifier-size.js';
export {
  type EvaluateOptions,
  evaluateClassifier,
  type InferenceTiming,
  measureInference,
  type Predictions,
  predictProbabilities,
  releaseInputProjections,
} from './evaluate-classifier.js';
export { fileSystemModelHandler } from './file-io-handler.js';
export { FusedRecurrent, type FusedRecurrentArgs } from './fused/fused-recurrent-layer.js';
export {
  type FusedCell,
  type FusedSequenceOptions,
  fusedRecurrentSequence,
} from './fused/fused-recurrent-op.js';
export { FusedAdamOptimizer } from './fused-adam.js';
export { MaskedGlobalPooling1D } from './masked-global-pooling.js';
export {
  type LoadClassifierOptions,
  type LoadedClassifier,
  loadClassifier,
  readPredictions,
  type SaveClassifierOptions,
  saveClassifier,
} from './model-directory.js';
export { type FileDigest, type ModelManifest, verifyModelDirectory } from './model-manifest.js';
export { buildModelReport, type ModelReport } from './model-report.js';
export {
  type LoadPredictorOptions,
  loadPredictor,
  Predictor,
  TEXT_ENCODING,
  type TopicPrediction,
} from './predictor.js';
export { type RandomState, SeededRandom } from './seeded-random.js';
export {
  type BatchProgress,
  type EpochProgress,
  type StopReason,
  type TrainClassifierArgs,
  type TrainingResult,
  trainClassifier,
} from './train-classifier.js';
export type {
  BestSoFar,
  EpochMetrics,
  PartialEpoch,
  StoredTensor,
  TrainingCheckpoint,
} from './training-checkpoint.js';
export {
  resolveTrainingOptions,
  type TrainingOptions,
  TrainingOptionsSchema,
} from './training-options.js';
