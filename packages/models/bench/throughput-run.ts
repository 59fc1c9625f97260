/**
 * One backend variant of the throughput benchmark, run in its own process by
 * backend-throughput.ts (wasm's binary and thread flags cannot change once it is initialised).
 * Prints one JSON line on stdout.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import {
  type BackendInfo,
  buildClassifier,
  type ClassifierConfigInput,
  initBackend,
  measureInference,
  trainClassifier,
} from '@newscell/models';
import * as tf from '@tensorflow/tfjs-core';

export type Variant = 'node' | 'wasm-simd' | 'wasm-plain' | 'wasm-threaded-simd' | 'cpu';

export interface ModelThroughput {
  name: string;
  config: ClassifierConfigInput;
  parameters: number;
  trainRows: number;
  trainSamplesPerSecond: number;
  msPerTextBatch1: number;
  msPerTextBatch64: number;
}

export interface VariantResult {
  variant: Variant;
  backend: BackendInfo | null;
  error?: string;
  models: ModelThroughput[];
}

const MAX_LENGTH = 48;
const VOCAB = 20_000;
const BATCH = 64;

/** The architectures behind the figures in the task brief, plus the package default; cheapest first. */
export const MODELS: { name: string; config: ClassifierConfigInput }[] = [
  {
    name: 'bow-64',
    config: { cell: 'bow', vocabSize: VOCAB, embeddingDim: 64, maxLength: MAX_LENGTH },
  },
  {
    name: 'rnn-128-last',
    config: {
      cell: 'rnn',
      vocabSize: VOCAB,
      embeddingDim: 64,
      hiddenUnits: 128,
      bidirectional: false,
      pooling: 'last',
      maxLength: MAX_LENGTH,
    },
  },
  {
    name: 'gru-128-last',
    config: {
      cell: 'gru',
      vocabSize: VOCAB,
      embeddingDim: 64,
      hiddenUnits: 128,
      bidirectional: false,
      pooling: 'last',
      maxLength: MAX_LENGTH,
    },
  },
  {
    name: 'lstm-128-last',
    config: {
      cell: 'lstm',
      vocabSize: VOCAB,
      embeddingDim: 64,
      hiddenUnits: 128,
      bidirectional: false,
      pooling: 'last',
      maxLength: MAX_LENGTH,
    },
  },
  { name: 'default (bi-gru-64-max)', config: { vocabSize: VOCAB, maxLength: MAX_LENGTH } },
];

function syntheticRows(n: number, seed: number): { ids: Int32Array; labels: Int32Array } {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const ids = new Int32Array(n * MAX_LENGTH);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = Math.floor(next() * 4);
    const length = 20 + Math.floor(next() * (MAX_LENGTH - 20));
    for (let t = 0; t < length; t++) ids[i * MAX_LENGTH + t] = 1 + Math.floor(next() * (VOCAB - 1));
  }
  return { ids, labels };
}

async function threadedAttempt(): Promise<string> {
  // What initBackend does not do: ask tfjs-backend-wasm for its threaded build under Node.
  const require = createRequire(import.meta.url);
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths(
    `${path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')}${path.sep}`,
  );
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  // tfjs reports a failed backend initialiser through console.warn and resolves false.
  const originalWarn = console.warn;
  const messages: string[] = [];
  console.warn = (...args: unknown[]) => messages.push(args.map(String).join(' '));
  try {
    const ok = await Promise.race([
      tf.setBackend('wasm'),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 30_000)),
    ]);
    const reason = messages.find((m) => /Error/.test(m))?.split('\n')[0] ?? messages.join(' | ');
    return ok ? `started with ${wasm.getThreadsCount()} threads` : `failed: ${reason}`;
  } finally {
    console.warn = originalWarn;
  }
}

async function main(): Promise<void> {
  const variant = process.argv[2] as Variant;
  const result: VariantResult = { variant, backend: null, models: [] };
  try {
    if (variant === 'wasm-threaded-simd') {
      const outcome = await threadedAttempt();
      if (!outcome.startsWith('started')) throw new Error(outcome);
      result.error = `${outcome}; not measured further (initBackend never selects it)`;
    } else {
      if (variant === 'wasm-plain') {
        await import('@tensorflow/tfjs-backend-wasm'); // registers the flag it reads
        tf.env().set('WASM_HAS_SIMD_SUPPORT', false);
      }
      const backend = variant === 'node' ? 'node' : variant === 'cpu' ? 'cpu' : 'wasm';
      result.backend = await initBackend({ backend, log: () => {} });
      const batches = variant === 'cpu' ? 2 : 5;
      for (const { name, config } of MODELS) {
        const classifier = buildClassifier(config);
        const warmup = syntheticRows(BATCH, 1);
        await trainClassifier({
          classifier,
          train: warmup,
          options: { epochs: 1, batchSize: BATCH },
        });
        const rows = BATCH * batches;
        const run = await trainClassifier({
          classifier,
          train: syntheticRows(rows, 2),
          options: { epochs: 1, batchSize: BATCH },
        });
        const timing = measureInference(classifier, warmup.ids, variant === 'cpu' ? 3 : 10);
        const measured: ModelThroughput = {
          name,
          config,
          parameters: classifier.model.countParams(),
          trainRows: rows,
          trainSamplesPerSecond: run.samplesPerSecond,
          msPerTextBatch1: timing.msPerTextBatch1,
          msPerTextBatch64: timing.msPerTextBatch64,
        };
        result.models.push(measured);
        // One line per model, so a parent that runs out of patience keeps what was measured.
        process.stdout.write(`${JSON.stringify({ model: measured })}\n`);
        classifier.model.dispose();
      }
    }
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
  }
  process.stdout.write(`${JSON.stringify({ result })}\n`);
  process.exit(0);
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) void main();
