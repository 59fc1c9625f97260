/**
 * `npm run bench:train`: training samples/s and inference texts/s of the fused recurrent layers
 * against tfjs-layers' own, in the same process, alternating which goes first each round so a
 * noisy shared machine slows both alike. Also times one dense Adam step over the embedding table,
 * to show what share of a training step it is. Prints a table and writes
 * bench-results/train-throughput.json.
 *
 * Environment: BENCH_BACKEND (default wasm), BENCH_ROUNDS (default 3), BENCH_MODELS (comma list
 * of the names below).
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type BackendName,
  buildClassifier,
  type ClassifierConfigInput,
  FusedAdamOptimizer,
  initBackend,
  predictProbabilities,
  trainClassifier,
} from '@newscell/models';
import * as tf from '@tensorflow/tfjs-core';

type Implementation = 'layers' | 'fused';

const here = path.dirname(fileURLToPath(import.meta.url));
const packageDir = path.resolve(here, '..', '..');
const VOCAB = 20_000;
const MAX_LENGTH = 48;
const BATCH = 64;

/** The issue's reference shape for each cell (dropout off, as in the PyTorch figures), then the default. */
const reference = (cell: 'rnn' | 'lstm' | 'gru'): ClassifierConfigInput => ({
  cell,
  vocabSize: VOCAB,
  embeddingDim: 64,
  hiddenUnits: 128,
  layers: 1,
  bidirectional: false,
  pooling: 'last',
  dropout: 0,
  maxLength: MAX_LENGTH,
});
const MODELS: { name: string; config: ClassifierConfigInput }[] = [
  { name: 'rnn-128', config: reference('rnn') },
  { name: 'lstm-128', config: reference('lstm') },
  { name: 'gru-128', config: reference('gru') },
  { name: 'default (bi-gru-64-max)', config: { vocabSize: VOCAB, maxLength: MAX_LENGTH } },
];
/** Timed batches per implementation and round (tfjs-layers is slow enough that fewer suffice). */
const BATCHES: Record<Implementation, number> = { layers: 4, fused: 16 };
/** Inference: blocks of `BLOCK_BATCHES` batches of 64 per implementation and round, median block. */
const INFERENCE_BLOCKS: Record<Implementation, number> = { layers: 5, fused: 9 };
const BLOCK_BATCHES = 4;

/**
 * Throughput per wall-clock second and per CPU second of this process. The machine is shared
 * (load averages of 10+ on 2 cores while this was written), so wall-clock figures swing by 3×
 * between identical runs; CPU time charged to the process is far steadier, and the ratio of the
 * two implementations is reported on both.
 */
interface Measurement {
  trainSamplesPerSecond: number;
  trainSamplesPerCpuSecond: number;
  inferTextsPerSecondBatch64: number;
  inferTextsPerCpuSecondBatch64: number;
}

const cpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

/** Pre-padded synthetic texts of 20–48 tokens, as the tokenizer's encoding pads real ones. */
function syntheticRows(
  n: number,
  seed: number,
): { ids: Int32Array; labels: Int32Array; lengths: Int32Array } {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const ids = new Int32Array(n * MAX_LENGTH);
  const labels = new Int32Array(n);
  const lengths = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = Math.floor(next() * 4);
    const length = 20 + Math.floor(next() * (MAX_LENGTH - 20 + 1));
    lengths[i] = length;
    for (let t = MAX_LENGTH - length; t < MAX_LENGTH; t++) {
      ids[i * MAX_LENGTH + t] = 1 + Math.floor(next() * (VOCAB - 1));
    }
  }
  return { ids, labels, lengths };
}

/**
 * Length bucketing, measured: the same rows trained batch by batch (one `trainClassifier` call
 * per batch, so its shuffling cannot mix them), once in arrival order and once sorted by length
 * so each batch holds texts of nearly one length. CPU-seconds per sample of each.
 */
async function bucketing(config: ClassifierConfigInput, batches: number) {
  const data = syntheticRows(BATCH * batches, 3);
  const order = Array.from({ length: BATCH * batches }, (_, i) => i);
  const sorted = [...order].sort(
    (a, b) => (data.lengths[a] as number) - (data.lengths[b] as number),
  );
  const classifier = buildClassifier({ ...config, recurrentImplementation: 'fused' });
  const batchOf = (rows: number[]) => {
    const ids = new Int32Array(rows.length * MAX_LENGTH);
    for (const [k, r] of rows.entries()) {
      ids.set(data.ids.subarray(r * MAX_LENGTH, (r + 1) * MAX_LENGTH), k * MAX_LENGTH);
    }
    return { ids, labels: Int32Array.from(rows, (r) => data.labels[r] as number) };
  };
  const run = async (rows: number[]) => {
    const start = cpuSeconds();
    for (let b = 0; b < rows.length / BATCH; b++) {
      const train = batchOf(rows.slice(b * BATCH, (b + 1) * BATCH));
      await trainClassifier({ classifier, train, options: { epochs: 1, batchSize: BATCH } });
    }
    return rows.length / (cpuSeconds() - start);
  };
  try {
    await run(order.slice(0, BATCH)); // warm-up
    const mixed: number[] = [];
    const bucketed: number[] = [];
    for (let round = 0; round < 3; round++) {
      mixed.push(await run(order));
      bucketed.push(await run(sorted));
    }
    return {
      model: config.cell,
      batches,
      mixedSamplesPerCpuSecond: median(mixed),
      bucketedSamplesPerCpuSecond: median(bucketed),
      note: 'fused layers skip padded steps already, so bucketing only saves per-step overhead of the longest text in a batch',
    };
  } finally {
    classifier.model.dispose();
  }
}

async function measure(
  config: ClassifierConfigInput,
  implementation: Implementation,
): Promise<Measurement> {
  const classifier = buildClassifier({ ...config, recurrentImplementation: implementation });
  try {
    const warmup = syntheticRows(BATCH, 1);
    await trainClassifier({ classifier, train: warmup, options: { epochs: 1, batchSize: BATCH } });
    const rows = BATCH * BATCHES[implementation];
    const train = syntheticRows(rows, 2);
    const trainStart = { wall: performance.now(), cpu: cpuSeconds() };
    await trainClassifier({ classifier, train, options: { epochs: 1, batchSize: BATCH } });
    const trainWall = (performance.now() - trainStart.wall) / 1000;
    const trainCpu = cpuSeconds() - trainStart.cpu;
    // Inference in blocks of a few batches, median block: one garbage collection left over from
    // training (or from the other implementation) would otherwise weigh on a ~1 s measurement.
    for (let r = 0; r < 3; r++) predictProbabilities(classifier, warmup.ids, BATCH);
    const blocks = INFERENCE_BLOCKS[implementation];
    const wallPerBatch: number[] = [];
    const cpuPerBatch: number[] = [];
    for (let block = 0; block < blocks; block++) {
      const start = { wall: performance.now(), cpu: cpuSeconds() };
      for (let r = 0; r < BLOCK_BATCHES; r++) predictProbabilities(classifier, warmup.ids, BATCH);
      wallPerBatch.push((performance.now() - start.wall) / 1000 / BLOCK_BATCHES);
      cpuPerBatch.push((cpuSeconds() - start.cpu) / BLOCK_BATCHES);
    }
    const inferWall = median(wallPerBatch);
    const inferCpu = median(cpuPerBatch);
    return {
      trainSamplesPerSecond: rows / trainWall,
      trainSamplesPerCpuSecond: rows / trainCpu,
      inferTextsPerSecondBatch64: BATCH / inferWall,
      inferTextsPerCpuSecondBatch64: BATCH / inferCpu,
    };
  } finally {
    classifier.model.dispose();
  }
}

/** Wall and CPU milliseconds of one dense Adam update of a `[VOCAB × 64]` table (medians of 10). */
function denseAdamEmbeddingMs(optimizer: tf.Optimizer): { wall: number; cpu: number } {
  const table = tf.variable(tf.randomNormal([VOCAB, 64]), true, 'bench_embedding');
  const grad = tf.randomNormal([VOCAB, 64]);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < 12; i++) {
    const start = { wall: performance.now(), cpu: cpuSeconds() };
    optimizer.applyGradients([{ name: 'bench_embedding', tensor: grad }]);
    table.dataSync(); // waits for the update on asynchronous backends
    wall.push(performance.now() - start.wall);
    cpu.push((cpuSeconds() - start.cpu) * 1000);
  }
  optimizer.dispose();
  tf.dispose([table, grad]);
  return { wall: median(wall.slice(2)), cpu: median(cpu.slice(2)) };
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function main(): Promise<void> {
  const backendName = (process.env.BENCH_BACKEND ?? 'wasm') as BackendName;
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const only = process.env.BENCH_MODELS?.split(',');
  const backend = await initBackend({ backend: backendName, log: () => {} });
  const results = [];
  for (const { name, config } of MODELS.filter(
    (m) => only === undefined || only.includes(m.name),
  )) {
    const runs: Record<Implementation, Measurement[]> = { layers: [], fused: [] };
    for (let round = 0; round < rounds; round++) {
      const order: Implementation[] = round % 2 === 0 ? ['layers', 'fused'] : ['fused', 'layers'];
      for (const implementation of order) {
        runs[implementation].push(await measure(config, implementation));
        process.stderr.write(
          `bench:train ${name} ${implementation} round ${round + 1}: ${JSON.stringify(runs[implementation].at(-1))}\n`,
        );
      }
    }
    const summary = (impl: Implementation) => ({
      trainSamplesPerSecond: median(runs[impl].map((r) => r.trainSamplesPerSecond)),
      trainSamplesPerCpuSecond: median(runs[impl].map((r) => r.trainSamplesPerCpuSecond)),
      inferTextsPerSecondBatch64: median(runs[impl].map((r) => r.inferTextsPerSecondBatch64)),
      inferTextsPerCpuSecondBatch64: median(runs[impl].map((r) => r.inferTextsPerCpuSecondBatch64)),
      rounds: runs[impl],
    });
    const layers = summary('layers');
    const fused = summary('fused');
    results.push({
      name,
      config,
      layers,
      fused,
      speedup: {
        train: fused.trainSamplesPerSecond / layers.trainSamplesPerSecond,
        trainCpu: fused.trainSamplesPerCpuSecond / layers.trainSamplesPerCpuSecond,
        inference: fused.inferTextsPerSecondBatch64 / layers.inferTextsPerSecondBatch64,
        inferenceCpu: fused.inferTextsPerCpuSecondBatch64 / layers.inferTextsPerCpuSecondBatch64,
      },
    });
  }
  const stockAdamMs = denseAdamEmbeddingMs(tf.train.adam(1e-3));
  const adamMs = denseAdamEmbeddingMs(new FusedAdamOptimizer(1e-3));
  const bucketed = await bucketing(reference('lstm'), 12);
  const lstm = results.find((r) => r.name === 'lstm-128');
  const fusedStepMs =
    lstm === undefined ? null : (BATCH / lstm.fused.trainSamplesPerCpuSecond) * 1000;
  const report = {
    benchmark: 'train-throughput',
    command: 'npm run bench:train',
    what: `training samples/s (Adam, batch ${BATCH}, ${MAX_LENGTH} tokens pre-padded, 20–${MAX_LENGTH} real, synthetic ids, vocabulary ${VOCAB}) and inference texts/s at batch 64 (median of blocks of ${BLOCK_BATCHES} batches), per wall-clock second and per CPU second of the process; tfjs-layers vs fused recurrent layers in the same process, alternating order; medians over rounds`,
    date: new Date().toISOString(),
    backend,
    rounds,
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model,
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
    },
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    denseAdamEmbedding: {
      stockCpuMsPerStep: stockAdamMs.cpu,
      msPerStep: adamMs.wall,
      cpuMsPerStep: adamMs.cpu,
      fusedLstmStepCpuMs: fusedStepMs,
      shareOfFusedLstmStep: fusedStepMs === null ? null : adamMs.cpu / fusedStepMs,
      note: `one dense Adam update of the ${VOCAB}×64 embedding table: tf.train.adam (stock) and newscell's FusedAdamOptimizer (the one training uses; bit-identical results), against a whole fused lstm-128 training step, in CPU ms`,
    },
    lengthBucketing: bucketed,
    results,
  };
  const outDir = path.join(packageDir, 'bench-results');
  await mkdir(outDir, { recursive: true });
  const out = path.join(outDir, 'train-throughput.json');
  await writeFile(`${out}.tmp`, `${JSON.stringify(report, null, 1)}\n`);
  await rename(`${out}.tmp`, out);
  const rate = (n: number) => n.toFixed(0).padStart(5);
  const rows = results.map(
    (r) =>
      `${r.name.padEnd(24)} train ${rate(r.layers.trainSamplesPerSecond)} → ${rate(r.fused.trainSamplesPerSecond)}/s (${r.speedup.train.toFixed(1)}×), per CPU-s ${rate(r.layers.trainSamplesPerCpuSecond)} → ${rate(r.fused.trainSamplesPerCpuSecond)} (${r.speedup.trainCpu.toFixed(1)}×)   ` +
      `infer@64 ${rate(r.layers.inferTextsPerSecondBatch64)} → ${rate(r.fused.inferTextsPerSecondBatch64)}/s (${r.speedup.inference.toFixed(1)}×), per CPU-s ${rate(r.layers.inferTextsPerCpuSecondBatch64)} → ${rate(r.fused.inferTextsPerCpuSecondBatch64)} (${r.speedup.inferenceCpu.toFixed(1)}×)`,
  );
  process.stdout.write(
    `backend ${backend.name} ${backend.version}${backend.wasm ? ` (${backend.wasm.binary}, ${backend.wasm.threads} thread)` : ''}, ${rounds} rounds, tfjs-layers → fused (samples or texts)\n${rows.join('\n')}\n` +
      `dense Adam step over the ${VOCAB}×64 embedding: tf.train.adam ${stockAdamMs.cpu.toFixed(1)} CPU ms, fused ${adamMs.cpu.toFixed(1)} CPU ms${fusedStepMs === null ? '' : ` (${((100 * adamMs.cpu) / fusedStepMs).toFixed(0)}% of a fused lstm-128 step of ${fusedStepMs.toFixed(0)} CPU ms)`}\n` +
      `length bucketing (fused lstm-128, per CPU-s): mixed batches ${rate(bucketed.mixedSamplesPerCpuSecond)}, bucketed ${rate(bucketed.bucketedSamplesPerCpuSecond)}\n` +
      `peak RSS ${report.peakRssMb.toFixed(0)} MB\nwritten ${path.relative(process.cwd(), out)}\n`,
  );
}

void main();
