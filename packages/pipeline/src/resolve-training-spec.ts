import {
  type DataSettings,
  type ModelSettings,
  parseWithSchema,
  type TokenizerSettings,
  type TrainingJobData,
  TrainingJobDataSchema,
  type TrainingSettings,
} from '@newscell/contracts';
import { TRAINING_DEFAULTS } from './defaults.js';

export type ResolvedEmbeddingSource =
  | { source: 'random' }
  | { source: 'pretrained'; file: string }
  | { source: 'skipgram'; window: number; negatives: number; epochs: number };

/**
 * A training spec with every default filled in. It is itself a valid `TrainingJobData`, so
 * submitting it again (as a job or to `runTraining`) repeats the run.
 */
export interface ResolvedTrainingSpec {
  name?: string;
  tags?: string[];
  model: Required<ModelSettings>;
  training: Required<TrainingSettings>;
  /** `trainPerClass` / `testPerClass` stay absent when the run uses every row. */
  data: DataSettings & Required<Pick<DataSettings, 'validationFraction' | 'seed'>>;
  tokenizer: Required<TokenizerSettings>;
  embeddings: ResolvedEmbeddingSource;
}

/**
 * Validates `spec` against the job contract and fills every default from `TRAINING_DEFAULTS`.
 * Throws `INVALID_CONFIG` naming each bad field and its value.
 */
export function resolveTrainingSpec(spec: unknown): ResolvedTrainingSpec {
  const parsed: TrainingJobData = parseWithSchema(
    TrainingJobDataSchema,
    spec,
    'training spec',
    'INVALID_CONFIG',
  );
  const cell = parsed.model.cell;
  return {
    ...(parsed.name === undefined ? {} : { name: parsed.name }),
    ...(parsed.tags === undefined ? {} : { tags: parsed.tags }),
    model: {
      ...TRAINING_DEFAULTS.model,
      ...TRAINING_DEFAULTS.modelByCell[cell],
      ...parsed.model,
    },
    training: { ...TRAINING_DEFAULTS.training, ...parsed.training },
    data: { ...TRAINING_DEFAULTS.data, ...parsed.data },
    tokenizer: { ...TRAINING_DEFAULTS.tokenizer, ...parsed.tokenizer },
    embeddings: resolveEmbeddings(parsed.embeddings),
  };
}

function resolveEmbeddings(source: TrainingJobData['embeddings']): ResolvedEmbeddingSource {
  const given = source ?? TRAINING_DEFAULTS.embeddings;
  if (given.source === 'skipgram') return { ...TRAINING_DEFAULTS.skipGram, ...given };
  return given;
}
