import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AG_NEWS_FILES,
  type AgNewsData,
  type AgNewsDirSource,
  loadAgNews,
  resolveAgNewsDir,
} from '@newscell/dataset';
import { type CacheOutcome, cachedWork, type PipelineCache } from './pipeline-cache.js';
import type { ResolvedTrainingSpec } from './resolve-training-spec.js';

export interface CorpusStage {
  corpus: AgNewsData;
  /** What made the corpus: later stages key their cache entries on it too. */
  keyParts: Record<string, unknown>;
  outcome: CacheOutcome<AgNewsData>;
}

/**
 * Reads and splits AG News as the spec's data section says, through the cache: the key holds the
 * folder, each file's size and modification time (an edited file is read again) and the options.
 */
export async function loadCorpusStage(
  spec: ResolvedTrainingSpec,
  options: { agNewsDir?: string; cache?: PipelineCache },
): Promise<CorpusStage> {
  const { dir, source } =
    options.agNewsDir === undefined
      ? await resolveAgNewsDir()
      : { dir: options.agNewsDir, source: 'given' as const };
  const files: Record<string, { size: number; mtimeMs: number }> = {};
  for (const name of Object.values(AG_NEWS_FILES)) {
    const s = await stat(join(dir, name)).catch(() => null);
    // A missing file is loadAgNews' to report, with its own clear message.
    files[name] = s === null ? { size: -1, mtimeMs: -1 } : { size: s.size, mtimeMs: s.mtimeMs };
  }
  const keyParts = {
    dir,
    files,
    validationFraction: spec.data.validationFraction,
    seed: spec.data.seed,
    trainPerClass: spec.data.trainPerClass ?? null,
    testPerClass: spec.data.testPerClass ?? null,
  };
  const outcome = await cachedWork(options.cache, 'dataset', keyParts, corpusBytes, () =>
    readCorpus(dir, source, spec),
  );
  return { corpus: outcome.value, keyParts, outcome };
}

async function readCorpus(
  dir: string,
  source: AgNewsDirSource | 'given',
  spec: ResolvedTrainingSpec,
): Promise<AgNewsData> {
  const { trainPerClass, testPerClass } = spec.data;
  const corpus = await loadAgNews({
    dir,
    validationFraction: spec.data.validationFraction,
    seed: spec.data.seed,
    ...(trainPerClass === undefined ? {} : { trainLimit: { perClass: trainPerClass } }),
    ...(testPerClass === undefined ? {} : { testLimit: { perClass: testPerClass } }),
  });
  // Record where the folder came from (AGNEWS_DIR, ./data, a download), not that we passed it on.
  return { ...corpus, summary: { ...corpus.summary, source } };
}

function corpusBytes(corpus: AgNewsData): number {
  let chars = 0;
  for (const part of [corpus.train, corpus.validation, corpus.test]) {
    for (const e of part) chars += e.text.length;
  }
  const rows = corpus.train.length + corpus.validation.length + corpus.test.length;
  return chars * 2 + rows * 64;
}
