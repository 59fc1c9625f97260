import { createInterface } from 'node:readline';
import { NewscellError } from '@newscell/contracts';
import { loadPredictor } from '@newscell/models';
import type { Command } from 'commander';
import { initBackendOnStderr } from './backend-on-stderr.js';
import { resolveModelDir } from './model-registry.js';
import { resolveModelsDir } from './models-dir.js';
import { textTable } from './text-table.js';

interface PredictFlags {
  modelsDir?: string;
  json?: boolean;
}

export function registerPredictCommand(program: Command): void {
  program
    .command('predict')
    .description('the topic of each text (one per argument, or one per stdin line when none)')
    .argument('<model>', 'model id in the registry, or a path to a model directory')
    .argument('[texts...]', 'texts to classify')
    .option('--models-dir <dir>', 'model registry (default: MODELS_DIR or var/models)')
    .option('--json', 'print the predictions as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  newscell predict gru-job12 "Stocks rally as oil falls"\n  cat headlines.txt | newscell predict gru-job12',
    )
    .action(async (model: string, texts: string[], flags: PredictFlags) => {
      await predictAction(model, texts, flags);
    });
}

async function predictAction(model: string, given: string[], flags: PredictFlags): Promise<void> {
  const dir = resolveModelDir(model, resolveModelsDir(flags.modelsDir));
  const texts = given.length > 0 ? given : await readStdinLines();
  if (texts.length === 0) {
    throw new NewscellError(
      'INVALID_ARGUMENT',
      'no text to classify: give texts as arguments or one per line on stdin',
    );
  }
  await initBackendOnStderr();
  const predictor = await loadPredictor(dir);
  try {
    const predictions = predictor.predict(texts);
    if (flags.json) {
      const out = predictions.map((p, i) => ({ text: texts[i], ...p }));
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      return;
    }
    const names = predictor.labelNames;
    const rows = predictions.map((p, i) => [
      p.label,
      ...names.map((n) => (p.probabilities[n] ?? 0).toFixed(3)),
      shorten(texts[i] ?? ''),
    ]);
    process.stdout.write(
      `${textTable(rows, {
        header: ['label', ...names, 'text'],
        align: ['left', ...names.map(() => 'right' as const), 'left'],
      })}\n`,
    );
  } finally {
    predictor.dispose();
  }
}

async function readStdinLines(): Promise<string[]> {
  if (process.stdin.isTTY) return [];
  const lines: string[] = [];
  for await (const line of createInterface({
    input: process.stdin,
    crlfDelay: Number.POSITIVE_INFINITY,
  })) {
    if (line.trim() !== '') lines.push(line);
  }
  return lines;
}

function shorten(text: string, max = 70): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}
