/**
 * `npm run bench:accuracy`: trains each cell with its defaults (TRAINING_DEFAULTS) on train.csv of
 * AGNEWS_DIR (validation split from it; epochs and early stopping decided on validation only),
 * scores it on the whole test.csv, writes JSON and prints a markdown table.
 *
 * Flags: --cells bow,rnn,lstm,gru (default: all)   --out <file> (default: bench-results/accuracy.json
 * in this workspace)
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CELL_TYPES, type CellType } from '@newscell/contracts';
import { agNewsDirForTests } from '@newscell/dataset';
import { PipelineCache, runTraining } from '@newscell/pipeline';

/** Issue 3 §7: test accuracy the defaults must reach, trained on the 10,304-row subset. */
const TARGETS: Record<CellType, number> = { bow: 0.86, rnn: 0.84, lstm: 0.86, gru: 0.86 };

interface CellResult {
  cell: CellType;
  accuracy: number;
  macroF1: number;
  logLoss: number;
  target: number;
  meetsTarget: boolean;
  epochs: number;
  stopReason: string;
  bestEpoch: number | null;
  trainingSeconds: number;
  samplesPerSecond: number;
  parameterCount: number;
  backend: string;
  trainRows: number;
  validationRows: number;
  testRows: number;
  dataHash: string;
  commit: string;
  node: string;
  command: string;
  finishedAt: string;
  /** The resolved spec: every setting the run used. */
  spec: unknown;
}

const { values } = parseArgs({
  options: {
    cells: { type: 'string', default: CELL_TYPES.join(',') },
    out: { type: 'string' },
  },
});
const cells = parseCells(values.cells);
// npm runs scripts in the workspace folder; a relative --out means where the user typed it.
const out =
  values.out === undefined
    ? resolve('bench-results/accuracy.json')
    : resolve(process.env['INIT_CWD'] ?? process.cwd(), values.out);
const agNewsDir = await agNewsDirForTests();
const dataHash = await sha256Files([join(agNewsDir, 'train.csv'), join(agNewsDir, 'test.csv')]);
const commit = gitCommit();
const command = `npm run bench:accuracy -- --cells ${cells.join(',')}`;
const modelsDir = resolve('bench-results/tmp/models');
const cache = new PipelineCache();

console.log(
  `accuracy bench: cells ${cells.join(', ')} on ${agNewsDir} (data sha256 ${dataHash.slice(0, 12)}), commit ${commit}, node ${process.version}, ${cpus().length} cpus`,
);
const results = await readExisting(out);
for (const cell of cells) {
  const started = Date.now();
  const stamp = () => `[${cell} +${Math.round((Date.now() - started) / 1000)}s]`;
  const run = await runTraining(
    { name: `accuracy bench ${cell}`, model: { cell } },
    {
      modelsDir,
      modelId: `${cell}-accuracy-bench`,
      overwrite: true,
      agNewsDir,
      cache,
      log: (line) => console.log(`${stamp()} ${line}`),
      onEpoch: (_e, r) =>
        console.log(
          `${stamp()} epoch ${r.epoch}: loss ${r.loss.toFixed(4)} acc ${pct(r.accuracy)} val loss ${r.valLoss?.toFixed(4)} val acc ${pct(r.valAccuracy)}`,
        ),
    },
  );
  const r = run.result;
  results[cell] = {
    cell,
    accuracy: r.accuracy,
    macroF1: r.macroF1,
    logLoss: r.logLoss,
    target: TARGETS[cell],
    meetsTarget: r.accuracy >= TARGETS[cell],
    epochs: r.epochs,
    stopReason: run.report.training.stopReason,
    bestEpoch: run.report.training.bestEpoch,
    trainingSeconds: r.trainingSeconds,
    samplesPerSecond: r.samplesPerSecond,
    parameterCount: r.parameterCount,
    backend: `${run.backend.name} ${run.backend.version}`,
    trainRows: run.data.counts.train,
    validationRows: run.data.counts.validation,
    testRows: run.data.counts.test,
    dataHash,
    commit,
    node: process.version,
    command,
    finishedAt: new Date().toISOString(),
    spec: run.spec,
  };
  // Written after every cell, so an interrupted run keeps what it finished.
  await writeJsonAtomically(out, {
    bench: 'accuracy',
    note: 'trained on train.csv of AGNEWS_DIR (the 10,304-row balanced subset), validation split from it, scored on the full test.csv',
    results,
  });
}

console.log(`\n${markdownTable(Object.values(results))}\n\nwritten to ${out}`);

function parseCells(list: string): CellType[] {
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const unknown = names.filter((n) => !(CELL_TYPES as readonly string[]).includes(n));
  if (names.length === 0 || unknown.length > 0) {
    console.error(
      `--cells ${JSON.stringify(list)}: unknown cell ${unknown.join(', ') || '(none given)'}; choose from ${CELL_TYPES.join(', ')}`,
    );
    process.exit(2);
  }
  return names as CellType[];
}

/** Markdown table of results, one row per cell, in the order bow, rnn, lstm, gru. */
function markdownTable(rows: CellResult[]): string {
  const ordered = [...rows].sort((a, b) => CELL_TYPES.indexOf(a.cell) - CELL_TYPES.indexOf(b.cell));
  const lines = [
    '| cell | test accuracy | macro-F1 | target | epochs (best) | training s | samples/s | backend | commit |',
    '|---|---|---|---|---|---|---|---|---|',
    ...ordered.map(
      (r) =>
        `| ${r.cell} | ${pct(r.accuracy)} | ${pct(r.macroF1)} | ≥ ${pct(r.target, 0)} ${r.meetsTarget ? 'met' : 'not met'} | ${r.epochs} (${r.bestEpoch ?? '-'}) | ${Math.round(r.trainingSeconds)} | ${Math.round(r.samplesPerSecond)} | ${r.backend} | ${r.commit.slice(0, 9)} |`,
    ),
  ];
  return lines.join('\n');
}

function pct(value: number | null | undefined, digits = 2): string {
  return typeof value === 'number' ? `${(value * 100).toFixed(digits)}%` : '-';
}

async function readExisting(file: string): Promise<Partial<Record<CellType, CellResult>>> {
  if (!existsSync(file)) return {};
  try {
    const json = JSON.parse(await readFile(file, 'utf8')) as { results?: unknown };
    return (json.results ?? {}) as Partial<Record<CellType, CellResult>>;
  } catch {
    return {};
  }
}

async function writeJsonAtomically(file: string, value: unknown): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(value, null, 2)}\n`);
  await rename(temp, file);
}

async function sha256Files(files: string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const file of files) {
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}

function gitCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    // Uncommitted source changes make the commit alone not enough to repeat the run.
    const changed = execFileSync('git', ['status', '--porcelain', '--', '../../packages'], {
      encoding: 'utf8',
    })
      .split('\n')
      .filter((line) => line.trim() !== '' && !/(bench|test)-results\//.test(line));
    return changed.length === 0 ? head : `${head}+dirty`;
  } catch {
    return 'unknown';
  }
}
