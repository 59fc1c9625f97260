import {
  CELL_TYPES,
  type EmbeddingSource,
  parseEnvironment,
  TrainingBudgetEnvSchema,
  type TrainingJobData,
  trainingBudgetFromEnv,
} from '@newscell/contracts';
import { runTraining, type TrainingRun } from '@newscell/pipeline';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { initBackendOnStderr } from './backend-on-stderr.js';
import { resolveModelsDir } from './models-dir.js';
import { integerOption, numberOption } from './option-parsers.js';
import { percent, textTable } from './text-table.js';
import { formatSeconds, TrainingProgress } from './training-progress.js';

export interface TrainFlags {
  cell: TrainingJobData['model']['cell'];
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  patience?: number;
  seed?: number;
  embeddingDim?: number;
  hiddenUnits?: number;
  layers?: number;
  bidirectional?: boolean;
  dropout?: number;
  pooling?: 'last' | 'max' | 'mean';
  embeddings?: EmbeddingSource;
  trainPerClass?: number;
  testPerClass?: number;
  validationFraction?: number;
  maxLength?: number;
  minFrequency?: number;
  maxVocabulary?: number;
  name?: string;
  id?: string;
  modelsDir?: string;
  json?: boolean;
}

export function registerTrainCommand(program: Command): void {
  program
    .command('train')
    .description('train a model on AG News here, without the queue, and save it to the registry')
    .addOption(new Option('--cell <cell>', 'cell type').choices(CELL_TYPES).default('gru'))
    .option('--epochs <n>', 'most epochs (early stopping may end sooner)', integerOption)
    .option('--batch-size <n>', 'training batch size', integerOption)
    .option('--learning-rate <x>', 'Adam learning rate', numberOption)
    .option(
      '--patience <n>',
      'epochs without validation improvement before stopping',
      integerOption,
    )
    .option('--seed <n>', 'seed of weights, shuffling and dropout', integerOption)
    .option('--embedding-dim <n>', 'embedding size', integerOption)
    .option('--hidden-units <n>', 'units per recurrent layer (per direction)', integerOption)
    .option('--layers <n>', 'stacked recurrent layers', integerOption)
    .option('--bidirectional', 'read texts in both directions')
    .option('--no-bidirectional', 'read texts left to right only')
    .option('--dropout <x>', 'dropout rate', numberOption)
    .addOption(
      new Option('--pooling <kind>', 'per-token outputs → one vector').choices([
        'last',
        'max',
        'mean',
      ]),
    )
    .option(
      '--embeddings <source>',
      "initial embeddings: 'skipgram' (default: trained on the training rows), 'random' or 'pretrained:<file>' (in NEWSCELL_EMBEDDINGS_DIR)",
      embeddingSourceOption,
    )
    .option('--train-per-class <n>', 'use at most this many training rows per class', integerOption)
    .option(
      '--test-per-class <n>',
      'evaluate on at most this many test rows per class',
      integerOption,
    )
    .option('--validation-fraction <x>', 'share of training rows held out', numberOption)
    .option('--max-length <n>', 'tokens per text', integerOption)
    .option('--min-frequency <n>', 'rarest token kept in the vocabulary', integerOption)
    .option('--max-vocabulary <n>', 'largest vocabulary', integerOption)
    .option('--name <name>', 'a name stored with the model')
    .option('--id <id>', 'model id (default: <cell>-<timestamp>-<random>)')
    .option('--models-dir <dir>', 'model registry (default: MODELS_DIR or var/models)')
    .option('--json', 'print the result as JSON instead of a table')
    .addHelpText(
      'after',
      '\nUnset flags take the defaults of @newscell/pipeline (TRAINING_DEFAULTS).\nExample: newscell train --cell gru --epochs 3 --train-per-class 500',
    )
    .action(async (flags: TrainFlags) => {
      await trainAction(flags);
    });
}

async function trainAction(flags: TrainFlags): Promise<void> {
  const spec = trainingSpecFromFlags(flags);
  // The same limits as the worker's: a run refused there is refused here before any data is read.
  const budget = trainingBudgetFromEnv(parseEnvironment(TrainingBudgetEnvSchema, process.env));
  await initBackendOnStderr();
  const progress = new TrainingProgress();
  const abort = new AbortController();
  const onSigint = () => abort.abort('interrupted (Ctrl-C)');
  process.once('SIGINT', onSigint);
  let run: TrainingRun;
  try {
    run = await runTraining(spec, {
      modelsDir: resolveModelsDir(flags.modelsDir),
      ...(flags.id === undefined ? {} : { modelId: flags.id }),
      embeddingsDir: process.env['NEWSCELL_EMBEDDINGS_DIR'] || 'var/embeddings',
      budget,
      signal: abort.signal,
      log: (line) => progress.log(line),
      onPhase: (phase) => progress.phase(phase),
      onBatch: (b) => progress.batch(b),
      onEpoch: (e, record) => progress.epoch(e, record),
      metricsExtra: { command: process.argv.slice(2).join(' ') },
    });
  } finally {
    progress.stop();
    process.off('SIGINT', onSigint);
  }
  if (flags.json) {
    process.stdout.write(
      `${JSON.stringify({ ...run.result, modelDir: run.modelDir, spec: run.spec }, null, 2)}\n`,
    );
    return;
  }
  process.stdout.write(`${trainingSummary(run)}\n`);
}

/** The job contract's spec from the flags: only what was given, the pipeline fills the rest. */
export function trainingSpecFromFlags(flags: TrainFlags): TrainingJobData {
  const pick = <T extends object>(o: T) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
  const model = pick({
    cell: flags.cell,
    embeddingDim: flags.embeddingDim,
    hiddenUnits: flags.hiddenUnits,
    layers: flags.layers,
    bidirectional: flags.bidirectional,
    dropout: flags.dropout,
    pooling: flags.pooling,
  });
  const training = pick({
    epochs: flags.epochs,
    batchSize: flags.batchSize,
    learningRate: flags.learningRate,
    patience: flags.patience,
    seed: flags.seed,
  });
  const data = pick({
    trainPerClass: flags.trainPerClass,
    testPerClass: flags.testPerClass,
    validationFraction: flags.validationFraction,
  });
  const tokenizer = pick({
    maxLength: flags.maxLength,
    minFrequency: flags.minFrequency,
    maxVocabulary: flags.maxVocabulary,
  });
  const nonEmpty = (name: string, o: object) => (Object.keys(o).length > 0 ? { [name]: o } : {});
  return {
    ...(flags.name === undefined ? {} : { name: flags.name }),
    model: model as TrainingJobData['model'],
    ...nonEmpty('training', training),
    ...nonEmpty('data', data),
    ...nonEmpty('tokenizer', tokenizer),
    ...(flags.embeddings === undefined ? {} : { embeddings: flags.embeddings }),
  };
}

/** Commander parser of `--embeddings`: `random`, `skipgram` or `pretrained:<file>`. */
export function embeddingSourceOption(value: string): EmbeddingSource {
  if (value === 'random' || value === 'skipgram') return { source: value };
  if (value.startsWith('pretrained:') && value.length > 'pretrained:'.length) {
    return { source: 'pretrained', file: value.slice('pretrained:'.length) };
  }
  throw new InvalidArgumentError(
    `expected 'random', 'skipgram' or 'pretrained:<file>', got '${value}'.`,
  );
}

function trainingSummary(run: TrainingRun): string {
  const r = run.result;
  const t = run.report.training;
  const rows: [string, string][] = [
    ['model', r.modelId],
    ['cell', r.cell],
    ['test accuracy', percent(r.accuracy)],
    ['test macro-F1', percent(r.macroF1)],
    ['test log loss', r.logLoss.toFixed(4)],
    ['test rows', String(run.test.n)],
    [
      'epochs',
      `${r.epochs} (${t.stopReason}${t.bestEpoch === null ? '' : `, best ${t.bestEpoch}`})`,
    ],
    ['training time', formatSeconds(r.trainingSeconds)],
    ['samples/s', String(Math.round(r.samplesPerSecond))],
    ['parameters', r.parameterCount.toLocaleString('en-US')],
    ['backend', run.backend.name],
    ['saved in', run.modelDir],
  ];
  return `\n${textTable(rows)}`;
}
