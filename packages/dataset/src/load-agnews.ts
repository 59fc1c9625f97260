import { resolve } from 'node:path';
import type { AgNewsFileSummary, StreamAgNewsRowsOptions } from './agnews-row-stream.js';
import { readClassNames } from './class-names.js';
import { AG_NEWS_TEXT_NORMALIZATION } from './normalize-text.js';
import { type AgNewsExample, readAgNewsSplit } from './read-split.js';
import {
  type AgNewsDirSource,
  type ResolveAgNewsDirOptions,
  resolveAgNewsDir,
} from './resolve-dir.js';
import { stratifiedSample } from './stratified-sample.js';
import { stratifiedSplit } from './stratified-split.js';

/** A per-class or total cap on examples (see {@link stratifiedSample}). */
export type ExampleLimit =
  | { perClass: number; total?: undefined }
  | { total: number; perClass?: undefined };

export interface LoadAgNewsOptions
  extends ResolveAgNewsDirOptions,
    Pick<StreamAgNewsRowsOptions, 'onInvalidRow' | 'maxReportedSkips'> {
  /**
   * Read this folder as it is instead of resolving one.
   * @defaultValue resolved by {@link resolveAgNewsDir}
   */
  dir?: string;
  /**
   * Share of train.csv (after `trainLimit`) held out for validation.
   * @defaultValue `0.1`
   */
  validationFraction?: number;
  /**
   * Seed of sampling and of the split.
   * @defaultValue `42`
   */
  seed?: number;
  /**
   * Stratified cap on train.csv examples, applied before the split, for quick runs.
   * @defaultValue none (all rows)
   */
  trainLimit?: ExampleLimit;
  /**
   * Stratified cap on test.csv examples.
   * @defaultValue none (all rows)
   */
  testLimit?: ExampleLimit;
}

/** Everything a trained model should record about its data. Plain JSON. */
export interface AgNewsDataSummary {
  dir: string;
  source: AgNewsDirSource | 'given';
  classNames: string[];
  textNormalization: string;
  files: { train: AgNewsFileSummary; test: AgNewsFileSummary };
  seed: number;
  validationFraction: number;
  trainLimit: ExampleLimit | null;
  testLimit: ExampleLimit | null;
  /** Examples in each part after limits and split. */
  counts: { train: number; validation: number; test: number };
}

export interface AgNewsData {
  classNames: string[];
  train: AgNewsExample[];
  validation: AgNewsExample[];
  test: AgNewsExample[];
  summary: AgNewsDataSummary;
}

/**
 * Resolves, reads and splits AG News in one call: label names from classes.txt, both CSV files
 * validated, optional stratified limits, then a stratified train/validation split.
 */
export async function loadAgNews(options: LoadAgNewsOptions = {}): Promise<AgNewsData> {
  const { dir, source } =
    options.dir !== undefined
      ? { dir: resolve(options.dir), source: 'given' as const }
      : await resolveAgNewsDir(options);
  const seed = options.seed ?? 42;
  const validationFraction = options.validationFraction ?? 0.1;
  const classNames = await readClassNames(dir);
  const rowOptions: StreamAgNewsRowsOptions = {
    classCount: classNames.length,
    ...(options.onInvalidRow === undefined ? {} : { onInvalidRow: options.onInvalidRow }),
    ...(options.maxReportedSkips === undefined
      ? {}
      : { maxReportedSkips: options.maxReportedSkips }),
  };
  const trainFile = await readAgNewsSplit(dir, 'train', rowOptions);
  const testFile = await readAgNewsSplit(dir, 'test', rowOptions);
  const limit = (examples: AgNewsExample[], cap: ExampleLimit | undefined) =>
    cap === undefined ? examples : stratifiedSample(examples, { ...cap, seed });
  const { train, validation } = stratifiedSplit(limit(trainFile.examples, options.trainLimit), {
    validationFraction,
    seed,
  });
  const test = limit(testFile.examples, options.testLimit);
  return {
    classNames,
    train,
    validation,
    test,
    summary: {
      dir,
      source,
      classNames,
      textNormalization: AG_NEWS_TEXT_NORMALIZATION,
      files: { train: trainFile.summary, test: testFile.summary },
      seed,
      validationFraction,
      trainLimit: options.trainLimit ?? null,
      testLimit: options.testLimit ?? null,
      counts: { train: train.length, validation: validation.length, test: test.length },
    },
  };
}
