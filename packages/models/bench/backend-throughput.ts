/**
 * `npm run bench`: training and inference throughput of the package's models on every backend
 * variant this machine can run (tfjs-node, wasm SIMD, wasm without SIMD, wasm threaded, cpu), each
 * in a fresh process. Prints a table and writes bench-results/backend-throughput.json.
 */
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelThroughput, Variant, VariantResult } from './throughput-run.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const packageDir = path.resolve(here, '..', '..');
const VARIANTS: Variant[] = ['node', 'wasm-simd', 'wasm-plain', 'wasm-threaded-simd', 'cpu'];
/** The plain cpu backend needs minutes per recurrent model at this size; cap every variant. */
const BUDGET_SECONDS = Number(process.env.BENCH_BUDGET_SECONDS ?? 300);

/** Runs one variant in a child process; keeps the models measured before the budget ran out. */
function runVariant(variant: Variant): Promise<VariantResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(here, 'throughput-run.js'), variant], {
      env: { ...process.env, TFJS_BACKEND: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const models: ModelThroughput[] = [];
    let result: VariantResult | undefined;
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.startsWith('{')) continue;
        const message = JSON.parse(line) as { model?: ModelThroughput; result?: VariantResult };
        if (message.model) models.push(message.model);
        if (message.result) result = message.result;
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), BUDGET_SECONDS * 1000);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve(
        result ?? {
          variant,
          backend: null,
          models,
          error: `stopped after the ${BUDGET_SECONDS} s budget; ${models.length} of the models measured`,
        },
      );
    });
  });
}

async function main(): Promise<void> {
  const only = process.env.BENCH_VARIANTS?.split(',') as Variant[] | undefined;
  const results: VariantResult[] = [];
  for (const variant of only ?? VARIANTS) {
    process.stderr.write(`bench: ${variant}…\n`);
    results.push(await runVariant(variant));
  }
  const rows: string[] = [];
  for (const r of results) {
    if (r.error !== undefined)
      rows.push(
        `${r.variant.padEnd(19)} ${r.models.length === 0 ? 'unavailable: ' : ''}${r.error}`,
      );
    for (const m of r.models) {
      rows.push(
        `${r.variant.padEnd(19)} ${m.name.padEnd(24)} ${m.parameters.toString().padStart(9)} params  train ${m.trainSamplesPerSecond.toFixed(1).padStart(7)} samples/s  infer ${m.msPerTextBatch1.toFixed(2).padStart(7)} ms/text @1  ${m.msPerTextBatch64.toFixed(3).padStart(7)} ms/text @64`,
      );
    }
  }
  const report = {
    benchmark: 'backend-throughput',
    command: 'npm run bench -w @newscell/models',
    what: 'Adam training samples/s at batch 64 (synthetic ids, 48 tokens, 20-48 real), after one warm-up batch; inference ms per text at batch 1 and 64',
    budgetSecondsPerVariant: BUDGET_SECONDS,
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model,
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
    },
    results,
  };
  const outDir = path.join(packageDir, 'bench-results');
  await mkdir(outDir, { recursive: true });
  const out = path.join(outDir, 'backend-throughput.json');
  await writeFile(out, `${JSON.stringify(report, null, 1)}\n`);
  process.stdout.write(`${rows.join('\n')}\nwritten ${path.relative(process.cwd(), out)}\n`);
}

void main();
