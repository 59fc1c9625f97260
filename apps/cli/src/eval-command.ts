import { readAgNewsSplit, resolveAgNewsDir, stratifiedSample } from '@newscell/dataset';
import { type ClassificationMetrics, classificationMetrics, loadPredictor } from '@newscell/models';
import type { Command } from 'commander';
import { initBackendOnStderr } from './backend-on-stderr.js';
import { resolveModelDir } from './model-registry.js';
import { resolveModelsDir } from './models-dir.js';
import { integerOption } from './option-parsers.js';
import { percent, textTable } from './text-table.js';

interface EvalFlags {
  modelsDir?: string;
  testPerClass?: number;
  seed: number;
  json?: boolean;
}

export function registerEvalCommand(program: Command): void {
  program
    .command('eval')
    .description('re-score a saved model on the AG News test set (AGNEWS_DIR)')
    .argument('<model>', 'model id in the registry, or a path to a model directory')
    .option('--test-per-class <n>', 'score at most this many test rows per class', integerOption)
    .option('--seed <n>', 'seed of the --test-per-class sample', integerOption, 42)
    .option('--models-dir <dir>', 'model registry (default: MODELS_DIR or var/models)')
    .option('--json', 'print the metrics as JSON')
    .action(async (model: string, flags: EvalFlags) => {
      await evalAction(model, flags);
    });
}

async function evalAction(model: string, flags: EvalFlags): Promise<void> {
  const dir = resolveModelDir(model, resolveModelsDir(flags.modelsDir));
  await initBackendOnStderr();
  const predictor = await loadPredictor(dir);
  try {
    const { dir: agNewsDir } = await resolveAgNewsDir();
    const split = await readAgNewsSplit(agNewsDir, 'test', {
      classCount: predictor.config.numClasses,
    });
    const examples =
      flags.testPerClass === undefined
        ? split.examples
        : stratifiedSample(split.examples, { perClass: flags.testPerClass, seed: flags.seed });
    const probabilities = predictor.predictProbabilities(examples.map((e) => e.text));
    const metrics = classificationMetrics(
      Int32Array.from(examples, (e) => e.label),
      probabilities,
      predictor.config.numClasses,
      predictor.labelNames,
    );
    if (flags.json) {
      process.stdout.write(
        `${JSON.stringify({ model: predictor.id, dir, ...metrics }, null, 2)}\n`,
      );
      return;
    }
    process.stdout.write(`${evaluationReport(predictor.id, agNewsDir, metrics)}\n`);
  } finally {
    predictor.dispose();
  }
}

function evaluationReport(id: string, agNewsDir: string, m: ClassificationMetrics): string {
  const labels = m.perClass.map((c) => c.label);
  const summary = textTable([
    ['model', id],
    ['test rows', `${m.n} (${agNewsDir})`],
    ['accuracy', percent(m.accuracy)],
    ['macro-F1', percent(m.macroF1)],
    ['log loss', m.logLoss.toFixed(4)],
  ]);
  const perClass = textTable(
    m.perClass.map((c) => [
      c.label,
      percent(c.precision),
      percent(c.recall),
      percent(c.f1),
      String(c.support),
    ]),
    {
      header: ['class', 'precision', 'recall', 'F1', 'support'],
      align: ['left', 'right', 'right', 'right', 'right'],
    },
  );
  const confusion = textTable(
    m.confusionMatrix.map((row, i) => [labels[i] ?? String(i), ...row.map(String)]),
    {
      header: ['true \\ predicted', ...labels],
      align: ['left', ...labels.map(() => 'right' as const)],
    },
  );
  return `${summary}\n\n${perClass}\n\n${confusion}`;
}
