/**
 * `npm run bench:versus`: newscell against PyTorch, side by side in one run, at the reference
 * shape (vocabulary 20,000, embedding 64, one unidirectional 128-unit layer, last state, batch 64,
 * Adam), for every cell, training samples/s and inference texts/s:
 *  - equal work: every text has 48 real tokens (no padding anywhere);
 *  - mixed lengths: 20–48 real tokens, each side in its fastest mode (newscell skips padding on
 *    its own; PyTorch both with full padding and with pack_padded_sequence, the faster counts).
 * PyTorch runs with each thread count of BENCH_TORCH_THREADS (default 1 and 2) and its best is
 * the reference: on this 2-core machine one thread is its best.
 * PyTorch is Debian's (`apt-get install python3-torch libopenblas0-pthread`), run with
 * `/usr/bin/python3` (or PYTHON); without it the benchmark says so and measures newscell alone.
 * newscell runs through its public API (buildClassifier, trainClassifier, predictProbabilities).
 * Sides alternate which goes first each round. Writes bench-results/versus.json.
 *
 * Environment: BENCH_BACKEND (default wasm), BENCH_ROUNDS (default 2), BENCH_CELLS (default
 * rnn,lstm,gru), BENCH_TORCH_THREADS (default 1,2), PYTHON (default /usr/bin/python3).
 */
import { spawnSync } from 'node:child_process';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type BackendName,
  buildClassifier,
  type ClassifierConfigInput,
  initBackend,
  predictProbabilities,
  trainClassifier,
} from '@newscell/models';

type Cell = 'rnn' | 'lstm' | 'gru';
type Lengths = 'full' | 'mixed';

const here = path.dirname(fileURLToPath(import.meta.url));
const packageDir = path.resolve(here, '..', '..');
const torchScript = path.join(packageDir, 'bench', 'versus-pytorch.py');
const SHAPE = { vocab: 20_000, embedding: 64, hidden: 128, classes: 4, batch: 64, maxLength: 48 };
const TRAIN_BATCHES = 16;
const INFER_BATCHES = 8;

interface Rates {
  trainSamplesPerSecond: number;
  inferTextsPerSecond: number;
}

/** Synthetic pre-padded rows: 48 real tokens each, or 20–48. */
function rows(n: number, lengths: Lengths, seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const { maxLength, vocab, classes } = SHAPE;
  const ids = new Int32Array(n * maxLength);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = Math.floor(next() * classes);
    const length = lengths === 'full' ? maxLength : 20 + Math.floor(next() * (maxLength - 19));
    for (let t = maxLength - length; t < maxLength; t++) {
      ids[i * maxLength + t] = 1 + Math.floor(next() * (vocab - 1));
    }
  }
  return { ids, labels };
}

function config(cell: Cell): ClassifierConfigInput {
  return {
    cell,
    vocabSize: SHAPE.vocab,
    embeddingDim: SHAPE.embedding,
    hiddenUnits: SHAPE.hidden,
    layers: 1,
    bidirectional: false,
    pooling: 'last',
    dropout: 0,
    maxLength: SHAPE.maxLength,
  };
}

async function newscell(cell: Cell, lengths: Lengths): Promise<Rates> {
  const classifier = buildClassifier(config(cell));
  const options = { epochs: 1, batchSize: SHAPE.batch };
  try {
    await trainClassifier({ classifier, train: rows(SHAPE.batch * 2, lengths, 1), options });
    const train = rows(SHAPE.batch * TRAIN_BATCHES, lengths, 2);
    let start = performance.now();
    await trainClassifier({ classifier, train, options });
    const trainSeconds = (performance.now() - start) / 1000;
    const infer = rows(SHAPE.batch * INFER_BATCHES, lengths, 3);
    predictProbabilities(classifier, infer.ids, SHAPE.batch);
    let texts = 0;
    start = performance.now();
    while (performance.now() - start < 1000) {
      predictProbabilities(classifier, infer.ids, SHAPE.batch);
      texts += infer.labels.length;
    }
    return {
      trainSamplesPerSecond: train.labels.length / trainSeconds,
      inferTextsPerSecond: texts / ((performance.now() - start) / 1000),
    };
  } finally {
    classifier.model.dispose();
  }
}

interface TorchRun extends Rates {
  threads: number;
  mode: 'padded' | 'packed';
}

function pytorch(python: string, cell: Cell, lengths: Lengths, threads: number, mode: string) {
  const args = {
    cell,
    ...SHAPE,
    lengths,
    threads,
    mode,
    trainBatches: TRAIN_BATCHES,
    inferBatches: INFER_BATCHES,
    seed: 1,
  };
  const out = spawnSync(python, [torchScript, JSON.stringify(args)], {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: String(threads) },
  });
  if (out.status !== 0) {
    throw new Error(`PyTorch side failed (${python} ${torchScript}): ${out.stderr.slice(-500)}`);
  }
  return JSON.parse(out.stdout.trim().split('\n').at(-1) as string) as TorchRun & {
    torch: string;
  };
}

function torchVersion(python: string): string | null {
  const out = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], {
    encoding: 'utf8',
  });
  return out.status === 0 ? out.stdout.trim() : null;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const best = (xs: number[]) => Math.max(...xs);

async function main(): Promise<void> {
  const backendName = (process.env.BENCH_BACKEND ?? 'wasm') as BackendName;
  const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
  const cells = (process.env.BENCH_CELLS ?? 'rnn,lstm,gru').split(',') as Cell[];
  const threadCounts = (process.env.BENCH_TORCH_THREADS ?? '1,2').split(',').map(Number);
  const python = process.env.PYTHON ?? '/usr/bin/python3';
  const backend = await initBackend({ backend: backendName, log: () => {} });
  const torch = torchVersion(python);
  if (torch === null) {
    process.stdout.write(
      `PyTorch not found (${python} cannot import torch): measuring newscell alone. For the side-by-side figures: apt-get install python3-torch libopenblas0-pthread\n`,
    );
  }
  const results = [];
  for (const cell of cells) {
    for (const lengths of ['full', 'mixed'] as const) {
      const ours: Rates[] = [];
      const theirs: TorchRun[] = [];
      const modes = lengths === 'full' ? ['padded'] : ['padded', 'packed'];
      for (let round = 0; round < rounds; round++) {
        const runOurs = async () => {
          ours.push(await newscell(cell, lengths));
        };
        const runTheirs = () => {
          if (torch === null) return;
          for (const threads of threadCounts) {
            for (const mode of modes) theirs.push(pytorch(python, cell, lengths, threads, mode));
          }
        };
        if (round % 2 === 0) {
          await runOurs();
          runTheirs();
        } else {
          runTheirs();
          await runOurs();
        }
        process.stderr.write(
          `bench:versus ${cell} ${lengths} round ${round + 1}: newscell ${JSON.stringify(ours.at(-1))}${torch === null ? '' : ` pytorch ${JSON.stringify(theirs.slice(-threadCounts.length * modes.length))}`}\n`,
        );
      }
      const newscellRates = {
        trainSamplesPerSecond: median(ours.map((r) => r.trainSamplesPerSecond)),
        inferTextsPerSecond: median(ours.map((r) => r.inferTextsPerSecond)),
      };
      // PyTorch's best setting: per thread count and mode the median over rounds, then the best.
      const settings = new Map<string, TorchRun[]>();
      for (const run of theirs) {
        const key = `${run.threads}-${run.mode}`;
        settings.set(key, [...(settings.get(key) ?? []), run]);
      }
      const perSetting = [...settings.values()].map((runs) => ({
        threads: runs[0]?.threads,
        mode: runs[0]?.mode,
        trainSamplesPerSecond: median(runs.map((r) => r.trainSamplesPerSecond)),
        inferTextsPerSecond: median(runs.map((r) => r.inferTextsPerSecond)),
      }));
      const torchBest =
        torch === null
          ? null
          : {
              trainSamplesPerSecond: best(perSetting.map((s) => s.trainSamplesPerSecond)),
              inferTextsPerSecond: best(perSetting.map((s) => s.inferTextsPerSecond)),
            };
      results.push({
        cell,
        lengths,
        newscell: { ...newscellRates, rounds: ours },
        pytorch: torchBest === null ? null : { best: torchBest, settings: perSetting },
        ratio:
          torchBest === null
            ? null
            : {
                train: newscellRates.trainSamplesPerSecond / torchBest.trainSamplesPerSecond,
                inference: newscellRates.inferTextsPerSecond / torchBest.inferTextsPerSecond,
              },
      });
    }
  }
  const report = {
    benchmark: 'versus',
    command: 'npm run bench:versus',
    what: `newscell vs PyTorch at V ${SHAPE.vocab}, E ${SHAPE.embedding}, H ${SHAPE.hidden}, batch ${SHAPE.batch}, Adam, unidirectional, last state; "full" = ${SHAPE.maxLength} real tokens per text (equal work), "mixed" = 20–${SHAPE.maxLength} real tokens, each side in its fastest mode; training samples/s over ${TRAIN_BATCHES} batches after warm-up, inference texts/s at batch ${SHAPE.batch} over ≥ 1 s; wall clock; medians over rounds; PyTorch's best thread count and mode`,
    date: new Date().toISOString(),
    backend,
    pytorch: torch === null ? { found: false, python } : { found: true, python, version: torch },
    rounds,
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model,
      node: process.version,
      loadAverage: os.loadavg(),
    },
    results,
  };
  const outDir = path.join(packageDir, 'bench-results');
  await mkdir(outDir, { recursive: true });
  const out = path.join(outDir, 'versus.json');
  await writeFile(`${out}.tmp`, `${JSON.stringify(report, null, 1)}\n`);
  await rename(`${out}.tmp`, out);
  const rate = (n: number) => n.toFixed(0).padStart(6);
  const lines = results.map((r) => {
    const t = r.pytorch?.best;
    return `${r.cell.padEnd(5)} ${r.lengths.padEnd(6)} train ${rate(r.newscell.trainSamplesPerSecond)}${t ? ` vs ${rate(t.trainSamplesPerSecond)} (${(r.ratio?.train ?? 0).toFixed(2)})` : ''}   infer ${rate(r.newscell.inferTextsPerSecond)}${t ? ` vs ${rate(t.inferTextsPerSecond)} (${(r.ratio?.inference ?? 0).toFixed(2)})` : ''}`;
  });
  process.stdout.write(
    `backend ${backend.name} ${backend.version}${backend.wasm ? ` (${backend.wasm.binary}, ${backend.wasm.threads} thread)` : ''}; PyTorch ${torch ?? 'absent'}; ${rounds} rounds; newscell vs PyTorch's best (ratio newscell/PyTorch)\n${lines.join('\n')}\nload average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}\nwritten ${path.relative(process.cwd(), out)}\n`,
  );
}

void main();
