import type { AgNewsData } from '@newscell/dataset';
import { Vocabulary } from '@newscell/tokenizer';
import { type CacheOutcome, cachedWork, type PipelineCache } from './pipeline-cache.js';
import type { ResolvedTrainingSpec } from './resolve-training-spec.js';

export interface VocabularyStage {
  vocabulary: Vocabulary;
  keyParts: Record<string, unknown>;
  outcome: CacheOutcome<Vocabulary>;
}

/**
 * Builds the vocabulary of the training rows, through the cache. `maxLength` is left out of the
 * key: it changes how texts are cut, not which tokens exist.
 */
export async function buildVocabularyStage(
  spec: ResolvedTrainingSpec,
  corpus: AgNewsData,
  corpusKeyParts: Record<string, unknown>,
  cache: PipelineCache | undefined,
): Promise<VocabularyStage> {
  const { stem, minFrequency, maxVocabulary } = spec.tokenizer;
  const keyParts = { corpus: corpusKeyParts, stem, minFrequency, maxVocabulary };
  const outcome = await cachedWork(cache, 'vocabulary', keyParts, vocabularyBytes, () =>
    Vocabulary.build(
      corpus.train.map((e) => e.text),
      { tokenizer: { stem }, minFrequency, maxSize: maxVocabulary },
    ),
  );
  return { vocabulary: outcome.value, keyParts, outcome };
}

function vocabularyBytes(vocabulary: Vocabulary): number {
  let chars = 0;
  for (const token of vocabulary.tokens) chars += token.length;
  // Token strings, the counts array and the id map's entries.
  return chars * 2 + vocabulary.size * 80;
}
