/**
 * Parse throughput on 120,000 rows, the size of the full AG News training set: the real
 * train.csv (a 10,304-row subset) repeated until 120,000 lines, then read with
 * `streamAgNewsRows` (parse + validate + clean), with `readAgNewsSplit` (the same plus holding
 * every example in memory) and with bare csv-parse as the floor. Writes
 * bench-results/dataset-parse.json.
 */
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse';
import { agNewsDirForTests, readAgNewsSplit, streamAgNewsRows } from '../src/index.js';

const TARGET_ROWS = 120_000;
const RUNS = 5;
const workspace = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const resultsDir = join(workspace, 'bench-results');

async function buildInput(): Promise<{ file: string; source: string }> {
  const source = join(await agNewsDirForTests(), 'train.csv');
  const lines = (await readFile(source, 'utf8')).split('\n');
  if (lines.at(-1) === '') lines.pop();
  // Repeating by lines is valid only while no record spans lines; the real files have none.
  const { summary } = await readAgNewsSplit(dirname(source), 'train');
  if (summary.rows !== lines.length) throw new Error(`${source}: rows and lines differ`);
  const out: string[] = [];
  for (let i = 0; i < TARGET_ROWS; i++) out.push(lines[i % lines.length]!);
  const file = join(resultsDir, 'tmp', 'ag_news-120k', 'train.csv');
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, out.join('\n') + '\n');
  return { file, source };
}

/** Heap still in use while `load`'s result is alive, after full collections (needs --expose-gc). */
async function retainedMegabytes(load: () => Promise<unknown>): Promise<number | null> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return null;
  gc();
  const before = process.memoryUsage().heapUsed;
  const held = await load();
  gc();
  const after = process.memoryUsage().heapUsed;
  if (held === undefined) throw new Error('nothing loaded');
  return Math.round((after - before) / 1e6);
}

async function time(run: () => Promise<number>): Promise<{ ms: number; rows: number }> {
  const start = process.hrtime.bigint();
  const rows = await run();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, rows };
}

async function measure(name: string, bytes: number, run: () => Promise<number>) {
  await run(); // warm-up: JIT, file cache
  const runsMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const { ms, rows } = await time(run);
    if (rows !== TARGET_ROWS)
      throw new Error(`${name}: read ${rows} rows, expected ${TARGET_ROWS}`);
    runsMs.push(Math.round(ms));
  }
  const medianMs = [...runsMs].sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
  const bestMs = Math.min(...runsMs);
  const result = {
    medianMs,
    bestMs,
    rowsPerSecond: Math.round(TARGET_ROWS / (medianMs / 1000)),
    megabytesPerSecond: Number((bytes / 1e6 / (medianMs / 1000)).toFixed(1)),
    rowsPerSecondBest: Math.round(TARGET_ROWS / (bestMs / 1000)),
    runsMs,
  };
  console.log(
    `${name.padEnd(34)} median ${String(medianMs).padStart(5)} ms  ${String(result.rowsPerSecond).padStart(7)} rows/s  ${result.megabytesPerSecond} MB/s  (best ${bestMs} ms)  runs ${runsMs.join(' ')}`,
  );
  return result;
}

const { file, source } = await buildInput();
const { size: bytes } = await stat(file);
console.log(
  `input: ${TARGET_ROWS} rows, ${(bytes / 1e6).toFixed(1)} MB (${source} repeated); backend: none (no TensorFlow here); node ${process.version}`,
);

const stream = await measure('streamAgNewsRows (parse+check+clean)', bytes, async () => {
  let rows = 0;
  for await (const _row of streamAgNewsRows(file)) rows++;
  return rows;
});
const readSplit = await measure('readAgNewsSplit (+ examples array)', bytes, async () => {
  const { examples } = await readAgNewsSplit(dirname(file), 'train');
  return examples.length;
});
const heldMB = await retainedMegabytes(
  async () => (await readAgNewsSplit(dirname(file), 'train')).examples,
);
console.log(`memory held by the 120,000 examples: ${heldMB} MB of heap`);
const csvParseOnly = await measure('csv-parse alone (floor)', bytes, async () => {
  let rows = 0;
  for await (const _record of createReadStream(file).pipe(parse({ relax_column_count: true })))
    rows++;
  return rows;
});

const report = {
  benchmark: 'dataset-parse',
  date: new Date().toISOString(),
  command: 'npm run bench -w @newscell/dataset',
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  // The build machine is shared; a load above the core count means the timings are inflated.
  loadAverage1m: Number(loadavg()[0]!.toFixed(2)),
  input: { source, rows: TARGET_ROWS, bytes },
  runs: RUNS,
  results: {
    streamAgNewsRows: stream,
    readExamples: { ...readSplit, heldHeapMB: heldMB },
    csvParseOnly,
  },
};
const out = join(resultsDir, 'dataset-parse.json');
await writeFile(`${out}.tmp`, JSON.stringify(report, null, 2) + '\n');
await rename(`${out}.tmp`, out);
console.log(`load average (1 min): ${report.loadAverage1m} on ${report.cores} cores; wrote ${out}`);
