import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { AgNewsData } from '@newscell/dataset';
import {
  type EmbeddingMatrix,
  loadPretrainedEmbeddings,
  trainSkipGram,
  type Vocabulary,
} from '@newscell/tokenizer';
import { type CacheOutcome, cachedWork, type PipelineCache } from './pipeline-cache.js';
import type { ResolvedTrainingSpec } from './resolve-training-spec.js';

export interface EmbeddingsStage {
  /** Undefined for random initialisation (the model draws its own). */
  matrix: EmbeddingMatrix | undefined;
  outcome: CacheOutcome<BuiltEmbeddings> | undefined;
}

/** A matrix plus the figures worth logging about how it was made. */
export interface BuiltEmbeddings {
  matrix: EmbeddingMatrix;
  detail: string;
}

/**
 * The initial embedding matrix the spec asks for: none (random), a pretrained vectors file from
 * `embeddingsDir`, or skip-gram trained on the training rows. Cached by the vocabulary's key plus
 * the settings (and, for a file, its path, size and modification time).
 */
export async function buildEmbeddingsStage(args: {
  spec: ResolvedTrainingSpec;
  corpus: AgNewsData;
  vocabulary: Vocabulary;
  vocabularyKeyParts: Record<string, unknown>;
  embeddingsDir: string;
  cache: PipelineCache | undefined;
  signal: AbortSignal | undefined;
}): Promise<EmbeddingsStage> {
  const { spec, corpus, vocabulary, cache, signal } = args;
  const source = spec.embeddings;
  if (source.source === 'random') return { matrix: undefined, outcome: undefined };
  const bytes = (b: BuiltEmbeddings) => b.matrix.data.byteLength;
  if (source.source === 'pretrained') {
    const file = join(args.embeddingsDir, source.file);
    const s = await stat(file).catch(() => null);
    const keyParts = {
      vocabulary: args.vocabularyKeyParts,
      file,
      size: s?.size ?? -1,
      mtimeMs: s?.mtimeMs ?? -1,
    };
    const outcome = await cachedWork(cache, 'embeddings', keyParts, bytes, async () => {
      const { matrix, coverage } = await loadPretrainedEmbeddings(file, vocabulary);
      return { matrix, detail: `pretrained vectors ${source.file}: ${JSON.stringify(coverage)}` };
    });
    return { matrix: outcome.value.matrix, outcome };
  }
  const settings = {
    dim: spec.model.embeddingDim,
    window: source.window,
    negatives: source.negatives,
    epochs: source.epochs,
    seed: spec.training.seed,
  };
  const keyParts = { vocabulary: args.vocabularyKeyParts, skipGram: settings };
  const outcome = await cachedWork(cache, 'embeddings', keyParts, bytes, async () => {
    const { embeddings, stats } = await trainSkipGram(
      corpus.train.map((e) => e.text),
      vocabulary,
      { ...settings, ...(signal === undefined ? {} : { signal }) },
    );
    return { matrix: embeddings, detail: `skip-gram ${JSON.stringify(stats)}` };
  });
  return { matrix: outcome.value.matrix, outcome };
}
