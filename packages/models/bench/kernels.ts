/**
 * `npm run bench:kernels`: the kernel-level figures the README quotes, on wasm: tfjs-backend-wasm's
 * own `GatherV2` against newscell's, tanh as wasm's `Tanh` op / `2·σ(2x) − 1` through `Sigmoid` /
 * the JavaScript rational tanh, and XNNPACK matrix products at the fused layers' shapes, including
 * why the weight gradients are computed transposed; and one fused recurrent layer at the reference
 * shape with its per-step arithmetic as JavaScript loops against the SIMD step kernels. Prints a table and writes
 * bench-results/kernels.json.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fusedRecurrentSequence, initBackend } from '@newscell/models';
import {
  maxOverTime,
  stockWasmGather,
  stockWasmKernel,
  sumOfSquares,
  rationalTanh as tanh,
  useStepKernels,
} from '@newscell/models/testing';
import * as tf from '@tensorflow/tfjs-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const packageDir = path.resolve(here, '..', '..');

/** Median milliseconds of `reps` calls after 3 warm-up calls. */
function time(reps: number, fn: () => void): number {
  for (let i = 0; i < 3; i++) fn();
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const start = performance.now();
    fn();
    ms.push(performance.now() - start);
  }
  ms.sort((a, b) => a - b);
  return ms[Math.floor(ms.length / 2)] as number;
}

function gather(): { stockMs: number; fastMs: number } {
  const table = tf.randomNormal([20_000, 64]);
  const ids = tf.tensor1d(
    Array.from({ length: 64 * 48 }, (_, i) => (i * 7919) % 20_000),
    'int32',
  );
  const run = () => tf.gather(table, ids).dispose();
  const fastMs = time(50, run);
  const fast = tf.getKernel(tf.GatherV2, 'wasm');
  const stock = stockWasmGather();
  if (fast === undefined || stock === undefined) throw new Error('no wasm GatherV2 registered');
  tf.unregisterKernel(tf.GatherV2, 'wasm');
  tf.registerKernel(stock);
  const stockMs = time(20, run);
  tf.unregisterKernel(tf.GatherV2, 'wasm');
  tf.registerKernel(fast);
  tf.dispose([table, ids]);
  return { stockMs, fastMs };
}

/** `fn` timed with wasm's stock kernel `name` in place of newscell's, then with newscell's. */
function stockVsOurs(
  name: string,
  reps: number,
  fn: () => void,
): { stockMs: number; oursMs: number } {
  const ours = tf.getKernel(name, 'wasm');
  const stock = stockWasmKernel(name);
  if (ours === undefined || stock === undefined) throw new Error(`no swapped wasm ${name}`);
  const oursMs = time(reps, fn);
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel(stock);
  try {
    return { stockMs: time(reps, fn), oursMs };
  } finally {
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(ours);
  }
}

/**
 * The other kernels swapped on wasm and the two rewritten ops, each at the shape it has in a
 * training step: Bidirectional's time reversal of `[64, 48, 64]`, the tape's clone of the
 * 20,000×64 embedding, max pooling's gradient over `[64, 48, 128]` (tfjs's, through a
 * broadcasting `equal`, against `maxOverTime`), and the clipping norm's `Σ g²` of the embedding
 * gradient (`sum(square(g))` against `sumOfSquares`). Milliseconds, medians.
 */
function swappedKernels() {
  const sequence = tf.randomNormal([64, 48, 64]);
  const table = tf.randomNormal([20_000, 64]);
  const pooled = tf.randomNormal([64, 48, 128]) as tf.Tensor3D;
  const dy = tf.randomNormal([64, 128]);
  const result = {
    reverse64x48x64: stockVsOurs(tf.Reverse, 10, () => tf.reverse(sequence, 1).dispose()),
    cloneEmbedding: stockVsOurs(tf.Identity, 20, () => tf.clone(table).dispose()),
    maxPoolGradient64x48x128: {
      tfjsMs: time(5, () =>
        tf.dispose(tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.max(x, 1), dy)))(pooled)),
      ),
      oursMs: time(5, () =>
        tf.dispose(
          tf.grad((x: tf.Tensor) => tf.sum(tf.mul(maxOverTime(x as tf.Tensor3D), dy)))(pooled),
        ),
      ),
    },
    sumOfSquaresEmbedding: {
      tfjsMs: time(20, () => tf.tidy(() => tf.sum(tf.square(table))).dispose()),
      oursMs: time(20, () => sumOfSquares(table).dispose()),
    },
  };
  tf.dispose([sequence, table, pooled, dy]);
  return result;
}

function tanhNsPerElement(): { tanhOp: number; sigmoidOp: number; javascript: number } {
  const n = 64 * 128 * 16;
  const x = tf.randomNormal([n]);
  const values = x.dataSync() as Float32Array;
  const out = new Float32Array(n);
  const perElement = (ms: number) => (ms * 1e6) / n;
  const result = {
    tanhOp: perElement(time(30, () => tf.tanh(x).dispose())),
    sigmoidOp: perElement(time(30, () => tf.sigmoid(x).dispose())),
    javascript: perElement(
      time(30, () => {
        for (let i = 0; i < n; i++) out[i] = tanh(values[i] as number);
      }),
    ),
  };
  x.dispose();
  return result;
}

function matMul(m: number, k: number, n: number, freshRight: boolean) {
  const a = tf.randomNormal([m, k]);
  // With `freshRight`, a different right operand each call, as a new gradient is every batch:
  // XNNPACK packs its right operand whenever it has not seen that tensor. Made beforehand, so
  // only the products are timed.
  const rights = Array.from({ length: freshRight ? 23 : 1 }, () => tf.randomNormal([k, n]));
  let call = 0;
  const ms = time(20, () => {
    const b = rights[call++ % rights.length] as tf.Tensor;
    tf.matMul(a, b).dispose(); // wasm runs kernels synchronously: no read-back needed
  });
  tf.dispose([a, ...rights]);
  return { shape: `${m}×${k} · ${k}×${n}`, freshRight, ms, gflops: (2 * m * k * n) / ms / 1e6 };
}

/**
 * One fused layer over a batch of 64 texts of 20–48 tokens (pre-padded), 64 features, 128
 * units: the forward pass alone (inference) and forward + backward (`tf.grad` of a sum), with
 * the step arithmetic as JavaScript loops and as the SIMD step kernels; milliseconds, medians.
 */
function stepLoops(cell: 'rnn' | 'lstm' | 'gru') {
  const [batch, steps, features, units] = [64, 48, 64, 128];
  const gates = cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
  const x = tf.randomNormal([batch, steps, features]) as tf.Tensor3D;
  const kernel = tf.mul(tf.randomNormal([features, gates * units]), 0.1) as tf.Tensor2D;
  const recurrent = tf.mul(tf.randomNormal([units, gates * units]), 0.1) as tf.Tensor2D;
  const bias = tf.zeros([gates * units]) as tf.Tensor1D;
  const mask = tf.tensor2d(
    Array.from({ length: batch * steps }, (_, i) => {
      const length = 20 + ((Math.floor(i / steps) * 7) % 29);
      return i % steps >= steps - length ? 1 : 0;
    }),
    [batch, steps],
  );
  const options = { cell, mask, recurrentActivation: 'sigmoid' as const };
  const forward = () => fusedRecurrentSequence(x, kernel, recurrent, bias, options).dispose();
  const train = () =>
    tf.dispose(
      tf.grads((xs: tf.Tensor) =>
        tf.sum(fusedRecurrentSequence(xs as tf.Tensor3D, kernel, recurrent, bias, options)),
      )([x]),
    );
  const measure = (on: boolean) => {
    useStepKernels(on);
    try {
      return { forwardMs: time(15, forward), trainMs: time(8, train) };
    } finally {
      useStepKernels(true);
    }
  };
  const result = {
    cell,
    shape: `${batch}×${steps}×${features} → ${units}`,
    javascript: measure(false),
    simd: measure(true),
  };
  tf.dispose([x, kernel, recurrent, bias, mask]);
  return result;
}

async function main(): Promise<void> {
  const backend = await initBackend({ backend: 'wasm', log: () => {} });
  const rows = 2176; // real tokens of a batch of 64 texts of 20–48 tokens
  const report = {
    benchmark: 'kernels',
    command: 'npm run bench:kernels',
    date: new Date().toISOString(),
    backend,
    gatherEmbedding3072x64: gather(),
    tanhNsPerElement: tanhNsPerElement(),
    matMul: [
      matMul(64, 128, 512, false),
      matMul(64, 128, 128, false),
      matMul(rows, 64, 512, false),
      matMul(64, rows, 512, true),
      matMul(512, rows, 64, true),
    ],
    stepLoops: (['rnn', 'lstm', 'gru'] as const).map(stepLoops),
    swapped: swappedKernels(),
  };
  const outDir = path.join(packageDir, 'bench-results');
  await mkdir(outDir, { recursive: true });
  const out = path.join(outDir, 'kernels.json');
  await writeFile(`${out}.tmp`, `${JSON.stringify(report, null, 1)}\n`);
  await rename(`${out}.tmp`, out);
  const g = report.gatherEmbedding3072x64;
  const t = report.tanhNsPerElement;
  const w = report.swapped;
  process.stdout.write(
    `backend ${backend.name} ${backend.version}\n` +
      `GatherV2 3072 rows × 64 of 20000: tfjs-backend-wasm ${g.stockMs.toFixed(2)} ms, newscell ${g.fastMs.toFixed(2)} ms\n` +
      `tanh per element: wasm Tanh op ${t.tanhOp.toFixed(1)} ns, 2·σ(2x) − 1 via Sigmoid op ${t.sigmoidOp.toFixed(1)} ns, JavaScript rational ${t.javascript.toFixed(1)} ns\n` +
      report.matMul
        .map(
          (r) =>
            `matMul ${r.shape}${r.freshRight ? ' (new right operand)' : ''}: ${r.ms.toFixed(3)} ms, ${r.gflops.toFixed(1)} GFLOP/s`,
        )
        .join('\n') +
      '\n' +
      report.stepLoops
        .map(
          (r) =>
            `fused ${r.cell} ${r.shape}: forward ${r.javascript.forwardMs.toFixed(1)} ms (JS steps) → ${r.simd.forwardMs.toFixed(1)} ms (SIMD steps); forward + backward ${r.javascript.trainMs.toFixed(1)} → ${r.simd.trainMs.toFixed(1)} ms`,
        )
        .join('\n') +
      '\n' +
      `Reverse [64,48,64] axis 1: tfjs-backend-wasm ${w.reverse64x48x64.stockMs.toFixed(2)} ms, newscell ${w.reverse64x48x64.oursMs.toFixed(2)} ms\n` +
      `clone of the 20000×64 embedding: tfjs-backend-wasm ${w.cloneEmbedding.stockMs.toFixed(2)} ms, newscell ${w.cloneEmbedding.oursMs.toFixed(3)} ms\n` +
      `max pooling gradient [64,48,128]: tfjs ${w.maxPoolGradient64x48x128.tfjsMs.toFixed(2)} ms, maxOverTime ${w.maxPoolGradient64x48x128.oursMs.toFixed(2)} ms\n` +
      `Σ g² of 20000×64: sum(square(g)) ${w.sumOfSquaresEmbedding.tfjsMs.toFixed(2)} ms, sumOfSquares ${w.sumOfSquaresEmbedding.oursMs.toFixed(2)} ms\n` +
      `written ${path.relative(process.cwd(), out)}\n`,
  );
}

void main();
