// A small trained model for the serving benches, trained once (1 epoch on the rows given, the
// cell's default architecture over 48 tokens) into bench-results/tmp/models/<cell>-bench and kept
// for later runs (delete the directory to retrain).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  type BackendInfo,
  buildClassifier,
  type CellType,
  saveClassifier,
  TEXT_ENCODING,
  trainClassifier,
} from '@newscell/models';
import { createTokenizer, Vocabulary } from '@newscell/tokenizer';

export const BENCH_MAX_LENGTH = 48;

export interface BenchModelArgs {
  cell: CellType;
  /** Where trained models are kept: `<dir>/<cell>-bench`. */
  dir: string;
  train: ReadonlyArray<{ text: string; label: number }>;
  backend: BackendInfo;
}

/** The model directory of `<cell>-bench`, training it first when it is missing. */
export async function ensureBenchModel(args: BenchModelArgs): Promise<string> {
  const id = `${args.cell}-bench`;
  const target = join(args.dir, id);
  if (existsSync(join(target, 'manifest.json'))) return target;
  const tokenizer = createTokenizer();
  const vocabulary = await Vocabulary.build(
    args.train.map((e) => e.text),
    { tokenizer, maxSize: 20_000 },
  );
  const classifier = buildClassifier({
    cell: args.cell,
    vocabSize: vocabulary.size,
    maxLength: BENCH_MAX_LENGTH,
  });
  const started = performance.now();
  await trainClassifier({
    classifier,
    train: {
      ids: vocabulary.encodeBatch(
        args.train.map((e) => e.text),
        { maxLength: BENCH_MAX_LENGTH, ...TEXT_ENCODING },
      ).ids,
      labels: Int32Array.from(args.train.map((e) => e.label)),
    },
    options: { epochs: 1, batchSize: 32 },
  });
  console.log(
    `trained ${id} (1 epoch, ${args.train.length} rows) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  await saveClassifier(target, classifier, {
    id,
    backend: args.backend,
    vocabularyHash: vocabulary.hash,
    datasetSplitHash: 'bench',
    vocabulary: vocabulary.toJSON(),
    tokenizerOptions: tokenizer.options,
    overwrite: true,
  });
  classifier.model.dispose();
  return target;
}
