// Compiled to bench-results/tmp/build/bench/, hence the four steps up to the workspace.
// Prediction serving: a trained LSTM as the default model behind the real server (dist/server.js
// in its own process, as `npm start` runs it), loaded by autocannon over HTTP: single-text latency
// at concurrency 1, predictions/s at 32 concurrent clients; and, in this same run, the model's
// own batched throughput in-process (Predictor.predict on batches of 64), the ceiling micro-
// batching aims at.
import { type ChildProcess, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { agNewsDirForTests, loadAgNews } from '@newscell/dataset';
import { ensureRedis } from '@newscell/local-redis';
import {
  buildClassifier,
  formatBackend,
  initBackend,
  loadPredictor,
  saveClassifier,
  TEXT_ENCODING,
  trainClassifier,
} from '@newscell/models';
import { createTokenizer, Vocabulary } from '@newscell/tokenizer';
import autocannon from 'autocannon';

const workspace = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const PORT = Number(process.env.BENCH_PORT ?? 3917);
const MAX_LENGTH = 48;

const backend = await initBackend();
const data = await loadAgNews({
  dir: await agNewsDirForTests(),
  trainLimit: { perClass: 400 },
  testLimit: { perClass: 100 },
});
const texts = data.test.map((e) => e.text);

// The model: one given in NEWSCELL_BENCH_MODEL_DIR, else a small LSTM trained here once (1 epoch,
// default architecture: bidirectional, 64 units, max pooling over 48 tokens) and kept in
// bench-results/tmp/models for later runs (delete it to retrain). The server runs on a copy of
// the registry, so the alias it sets never touches a real one.
const given = process.env.NEWSCELL_BENCH_MODEL_DIR;
const cached = join(workspace, 'bench-results', 'tmp', 'models', 'lstm-bench');
const source = given !== undefined && given !== '' ? given : cached;
const modelId = basename(source);
if (source === cached && !existsSync(join(cached, 'manifest.json'))) {
  const tokenizer = createTokenizer();
  const vocabulary = await Vocabulary.build(
    data.train.map((e) => e.text),
    { tokenizer, maxSize: 20_000 },
  );
  const encode = (rows: typeof data.train) => ({
    ids: vocabulary.encodeBatch(
      rows.map((e) => e.text),
      { maxLength: MAX_LENGTH, ...TEXT_ENCODING },
    ).ids,
    labels: Int32Array.from(rows.map((e) => e.label)),
  });
  const classifier = buildClassifier({
    cell: 'lstm',
    vocabSize: vocabulary.size,
    maxLength: MAX_LENGTH,
  });
  const started = performance.now();
  await trainClassifier({
    classifier,
    train: encode(data.train),
    options: { epochs: 1, batchSize: 32 },
  });
  console.log(
    `trained ${modelId} (1 epoch, ${data.train.length} rows) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  await saveClassifier(cached, classifier, {
    id: modelId,
    backend,
    vocabularyHash: vocabulary.hash,
    datasetSplitHash: 'bench',
    vocabulary: vocabulary.toJSON(),
    tokenizerOptions: tokenizer.options,
    overwrite: true,
  });
  classifier.model.dispose();
}
const modelsDir = mkdtempSync(join(tmpdir(), 'newscell-bench-models-'));
cpSync(source, join(modelsDir, modelId), { recursive: true });

// In-process ceiling: batches of texts through the same Predictor class the server uses,
// measured in rounds interleaved with the HTTP runs (the machine is shared and its load drifts:
// comparing neighbouring measurements is fairer than one of each).
const predictor = await loadPredictor(join(modelsDir, modelId));
function inProcessPerSecond(batchSize: number, ms: number): number {
  const batch = (i: number) =>
    Array.from(
      { length: batchSize },
      (_, k) => texts[(i * batchSize + k) % texts.length] as string,
    );
  for (let i = 0; i < 3; i++) predictor.predict(batch(i));
  let predicted = 0;
  const start = performance.now();
  for (let i = 0; performance.now() - start < ms; i++)
    predicted += predictor.predict(batch(i)).length;
  return predicted / ((performance.now() - start) / 1000);
}
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const redis = await ensureRedis({ mode: 'attached' });
const server = await startServer({
  PORT: String(PORT),
  HOST: '127.0.0.1',
  REDIS_URL: redis.url,
  NEWSCELL_QUEUE_PREFIX: `bench-predict-${process.pid}`,
  MODELS_DIR: modelsDir,
  LOG_LEVEL: 'warn',
  NEWSCELL_RATE_LIMIT_MAX: '100000000',
  NEWSCELL_ADMIN_KEYS: '',
  NEWSCELL_READ_KEYS: '',
});
try {
  const base = `http://127.0.0.1:${PORT}`;
  const alias = await fetch(`${base}/v1/aliases/default`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ modelId }),
  });
  if (!alias.ok) throw new Error(`PUT /v1/aliases/default: ${alias.status} ${await alias.text()}`);
  const requests = texts.slice(0, 200).map((text) => ({
    method: 'POST',
    path: '/v1/predict',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  }));
  const run = (connections: number) =>
    autocannon({ url: base, connections, duration: DURATION_S, requests });
  await run(4).then(
    () => undefined,
    () => undefined,
  ); // warm-up: loads the model, JIT
  const one = await run(1);
  const rounds: { inProcess64: number; inProcess32: number; http32: number; ratio: number }[] = [];
  let requests32 = 0;
  let seconds32 = 0;
  let errors32 = 0;
  const latencies32: { p50: number; p99: number }[] = [];
  const batchesBefore = await batchStats(base);
  for (let r = 0; r < ROUNDS; r++) {
    const inProcess64 = inProcessPerSecond(64, 4000);
    const inProcess32 = inProcessPerSecond(32, 2000);
    const many = await run(32);
    const http32 = many.requests.total / many.duration;
    requests32 += many.requests.total;
    seconds32 += many.duration;
    errors32 += many.errors + many.timeouts + many.non2xx;
    latencies32.push({ p50: many.latency.p50, p99: many.latency.p99 });
    rounds.push({ inProcess64, inProcess32, http32, ratio: http32 / inProcess64 });
    console.log(
      `round ${r + 1}: in-process ${inProcess64.toFixed(0)}/s (batch 64), ${inProcess32.toFixed(0)}/s (batch 32); HTTP 32 clients ${http32.toFixed(0)}/s = ${((http32 / inProcess64) * 100).toFixed(0)}%`,
    );
  }
  const batchesAfter = await batchStats(base);
  predictor.dispose();
  const httpPerSecond = requests32 / seconds32;
  const inProcess = rounds.reduce((s, r) => s + r.inProcess64, 0) / rounds.length;
  const inProcess32 = rounds.reduce((s, r) => s + r.inProcess32, 0) / rounds.length;
  const results = {
    name: 'predict',
    model: { id: modelId, cell: 'lstm', maxLength: MAX_LENGTH, given: given ?? null },
    backend: formatBackend(backend),
    node: process.version,
    cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    durationSeconds: DURATION_S,
    batching: {
      windowMs: Number(process.env.NEWSCELL_BATCH_WINDOW_MS ?? 5),
      maxTexts: Number(process.env.NEWSCELL_BATCH_MAX_TEXTS ?? 64),
    },
    concurrency1: {
      p50Ms: one.latency.p50,
      p99Ms: one.latency.p99,
      requestsPerSecond: one.requests.total / one.duration,
      errors: one.errors + one.timeouts + one.non2xx,
    },
    concurrency32: {
      predictionsPerSecond: httpPerSecond,
      latencyPerRound: latencies32,
      errors: errors32,
    },
    meanBatchSizeAt32:
      (batchesAfter.sum - batchesBefore.sum) / (batchesAfter.count - batchesBefore.count),
    rounds,
    inProcessBatch64PerSecond: inProcess,
    inProcessBatch32PerSecond: inProcess32,
    httpShareOfInProcess: httpPerSecond / inProcess,
    httpShareOfInProcessBatch32: httpPerSecond / inProcess32,
    goal: '>= 0.70 of in-process, zero errors',
  };
  console.log(`single text, concurrency 1: p50 ${one.latency.p50} ms, p99 ${one.latency.p99} ms`);
  console.log(
    `32 clients: ${httpPerSecond.toFixed(0)} predictions/s = ${(results.httpShareOfInProcess * 100).toFixed(0)}% of in-process ${inProcess.toFixed(0)}/s (mean batch ${results.meanBatchSizeAt32.toFixed(1)} texts); errors ${results.concurrency1.errors + results.concurrency32.errors}`,
  );
  const out = join(workspace, 'bench-results');
  mkdirSync(out, { recursive: true });
  const file = join(out, 'predict.json');
  writeFileSync(`${file}.tmp`, `${JSON.stringify(results, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  console.log(`wrote ${file}`);
} finally {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  await redis.stop();
  rmSync(modelsDir, { recursive: true, force: true });
}

/** Count and sum of the server's batch-size histogram. */
async function batchStats(base: string): Promise<{ count: number; sum: number }> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const value = (name: string) =>
    Number(
      text
        .split('\n')
        .find((l) => l.startsWith(`${name} `))
        ?.split(' ')[1] ?? 0,
    );
  return {
    count: value('newscell_prediction_batch_size_count'),
    sum: value('newscell_prediction_batch_size_sum'),
  };
}

/** `dist/server.js` in its own process; resolves once it answers /healthz. */
async function startServer(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(workspace, 'dist', 'server.js')], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${env.PORT}/healthz`)).ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGKILL');
  throw new Error('server did not answer /healthz within 60 s');
}
