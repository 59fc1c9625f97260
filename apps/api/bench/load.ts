// Compiled to bench-results/tmp/build/bench/, hence the four steps up to the workspace.
// Load: the real server (dist/server.js in its own process, as `npm start` runs it, no keys, rate
// limit lifted) under 64 autocannon connections for 30 s on each of three routes: predict on the
// default model (a bag-of-words classifier, the `default` alias), predict on a named GRU, and the
// job list (200 queued jobs). Each route is warmed up first, in rounds of 5 s until the server's
// resident memory grows less than 2% over a round (at most 6 rounds: a heap still filling its
// generations is not a leak, and a loaded machine serves fewer requests per round); memory is then
// sampled through the run, and RSS growth from the end of the warm-up to the end of the run must
// stay under 10%, with zero errors. The V8 heap in use (from /metrics) is reported beside it.
// Writes bench-results/load.json.
import { type ChildProcess, spawn } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { agNewsDirForTests, loadAgNews } from '@newscell/dataset';
import { ensureRedis } from '@newscell/local-redis';
import { formatBackend, initBackend } from '@newscell/models';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { ensureBenchModel } from './bench-model.js';

const workspace = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 30);
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const PORT = Number(process.env.BENCH_PORT ?? 3918);
const JOBS = 200;
const RSS_GROWTH_LIMIT = 0.1;
const WARMUP_PLATEAU = 0.02;
const WARMUP_MAX_ROUNDS = 6;

const backend = await initBackend();
const data = await loadAgNews({
  dir: await agNewsDirForTests(),
  trainLimit: { perClass: 400 },
  testLimit: { perClass: 100 },
});
const texts = data.test.map((e) => e.text);
const cache = join(workspace, 'bench-results', 'tmp', 'models');
const bow = await ensureBenchModel({ cell: 'bow', dir: cache, train: data.train, backend });
const gru = await ensureBenchModel({ cell: 'gru', dir: cache, train: data.train, backend });
// The server runs on a copy of the registry, so the alias it sets never touches a real one.
const modelsDir = mkdtempSync(join(tmpdir(), 'newscell-bench-load-'));
for (const dir of [bow, gru]) cpSync(dir, join(modelsDir, basename(dir)), { recursive: true });

const redis = await ensureRedis({ mode: 'attached' });
const prefix = `bench-load-${process.pid}`;
const server = await startServer({
  PORT: String(PORT),
  HOST: '127.0.0.1',
  REDIS_URL: redis.url,
  NEWSCELL_QUEUE_PREFIX: prefix,
  MODELS_DIR: modelsDir,
  LOG_LEVEL: 'warn',
  TFJS_BACKEND: backend.name,
  NEWSCELL_RATE_LIMIT_MAX: '100000000',
  NEWSCELL_ADMIN_KEYS: '',
  NEWSCELL_READ_KEYS: '',
});
const base = `http://127.0.0.1:${PORT}`;

interface Scenario {
  name: string;
  requests: Array<{
    method: string;
    path: string;
    headers?: Record<string, string>;
    body?: string;
  }>;
}

interface RouteResult {
  name: string;
  connections: number;
  durationSeconds: number;
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** autocannon's `errors` counts connection errors including timeouts. */
  errors: { errors: number; timeouts: number; non2xx: number; total: number };
  warmup: { rounds: number; plateaued: boolean };
  rss: { afterWarmupMb: number; endMb: number; peakMb: number; growth: number };
  heapUsedMb: { afterWarmup: number; end: number };
  goalsMet: boolean;
}

const results: RouteResult[] = [];
let failed = false;
try {
  const alias = await fetch(`${base}/v1/aliases/default`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ modelId: basename(bow) }),
  });
  if (!alias.ok) throw new Error(`PUT /v1/aliases/default: ${alias.status} ${await alias.text()}`);
  for (let i = 0; i < JOBS; i++) {
    const res = await fetch(`${base}/v1/training-jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: `load ${i}`,
        model: { cell: ['rnn', 'lstm', 'gru', 'bow'][i % 4] },
      }),
    });
    if (res.status !== 202)
      throw new Error(`POST /v1/training-jobs: ${res.status} ${await res.text()}`);
  }

  const predictRequests = (path: string) =>
    texts.slice(0, 200).map((text) => ({
      method: 'POST',
      path,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text }),
    }));
  const scenarios: Scenario[] = [
    {
      name: `POST /v1/predict (default: ${basename(bow)})`,
      requests: predictRequests('/v1/predict'),
    },
    {
      name: `POST /v1/models/${basename(gru)}/predict`,
      requests: predictRequests(`/v1/models/${basename(gru)}/predict`),
    },
    {
      name: 'GET /v1/training-jobs?limit=20',
      requests: [{ method: 'GET', path: '/v1/training-jobs?limit=20' }],
    },
  ];

  for (const scenario of scenarios) {
    const run = (duration: number) =>
      autocannon({ url: base, connections: CONNECTIONS, duration, requests: scenario.requests });
    // Loads the model, JIT, fills caches, pools and the heap's generations.
    let rounds = 0;
    let plateaued = false;
    let before = rssMb(server);
    while (rounds < WARMUP_MAX_ROUNDS) {
      await run(WARMUP_S);
      rounds++;
      const now = rssMb(server);
      plateaued = now / before - 1 < WARMUP_PLATEAU;
      if (plateaued) break;
      before = now;
    }
    const heapAfterWarmup = await heapUsedMb();
    const afterWarmup = rssMb(server);
    let peak = afterWarmup;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssMb(server));
    }, 1000);
    let r: Awaited<ReturnType<typeof run>>;
    try {
      r = await run(DURATION_S);
    } finally {
      clearInterval(sampler);
    }
    const end = rssMb(server);
    peak = Math.max(peak, end);
    const heapEnd = await heapUsedMb();
    const errors = {
      errors: r.errors,
      timeouts: r.timeouts,
      non2xx: r.non2xx,
      total: r.errors + r.non2xx,
    };
    const growth = end / afterWarmup - 1;
    const result: RouteResult = {
      name: scenario.name,
      connections: CONNECTIONS,
      durationSeconds: r.duration,
      requests: r.requests.total,
      requestsPerSecond: r.requests.total / r.duration,
      p50Ms: r.latency.p50,
      p90Ms: r.latency.p90,
      p99Ms: r.latency.p99,
      maxMs: r.latency.max,
      errors,
      warmup: { rounds, plateaued },
      rss: { afterWarmupMb: afterWarmup, endMb: end, peakMb: peak, growth },
      heapUsedMb: { afterWarmup: heapAfterWarmup, end: heapEnd },
      goalsMet: errors.total === 0 && growth < RSS_GROWTH_LIMIT,
    };
    results.push(result);
    if (!result.goalsMet) failed = true;
    console.log(
      `${scenario.name}: ${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, errors ${errors.total} (${errors.errors} connection errors of which ${errors.timeouts} timeouts, ${errors.non2xx} non-2xx), RSS after ${rounds} warm-up round${rounds === 1 ? '' : 's'}${plateaued ? '' : ' (not flat yet)'} ${afterWarmup.toFixed(0)} → ${end.toFixed(0)} MB (${(growth * 100).toFixed(1)}%, peak ${peak.toFixed(0)} MB), heap used ${heapAfterWarmup.toFixed(0)} → ${heapEnd.toFixed(0)} MB${result.goalsMet ? '' : '  ← GOAL MISSED'}`,
    );
  }

  const report = {
    name: 'load',
    backend: formatBackend(backend),
    node: process.version,
    cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    loadAverageAtEnd: loadavg(),
    connections: CONNECTIONS,
    warmup: `rounds of ${WARMUP_S} s until RSS grows < ${WARMUP_PLATEAU * 100}% over one (at most ${WARMUP_MAX_ROUNDS})`,
    durationSeconds: DURATION_S,
    jobsQueued: JOBS,
    models: { default: basename(bow), named: basename(gru) },
    server:
      'dist/server.js, no keys, NEWSCELL_RATE_LIMIT_MAX=1e8, LOG_LEVEL=warn, other settings default',
    goal: `0 errors and RSS growth after warm-up < ${RSS_GROWTH_LIMIT * 100}% on every route`,
    goalsMet: !failed,
    routes: results,
  };
  console.log(
    `backend ${report.backend}, ${report.cpu}, Node ${report.node}, ${CONNECTIONS} connections × ${DURATION_S} s per route after warm-up; load average at end ${report.loadAverageAtEnd.map((l) => l.toFixed(1)).join(' ')}`,
  );
  const out = join(workspace, 'bench-results');
  mkdirSync(out, { recursive: true });
  const file = join(out, 'load.json');
  writeFileSync(`${file}.tmp`, `${JSON.stringify(report, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  console.log(`wrote ${file}${failed ? ' (goals missed)' : ''}`);
} finally {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  // The jobs this bench queued: nothing consumes them.
  const client = new Redis(redis.url);
  const keys = await client.keys(`${prefix}:*`);
  if (keys.length > 0) await client.del(...keys);
  await client.quit();
  await redis.stop();
  rmSync(modelsDir, { recursive: true, force: true });
}
if (failed) process.exitCode = 1;

/** The server's V8 heap in use, in MB, from its Prometheus metrics. */
async function heapUsedMb(): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith('newscell_api_nodejs_heap_size_used_bytes '));
  return Number(line?.split(' ')[1] ?? Number.NaN) / 2 ** 20;
}

/** Resident memory of a process in MB, from /proc (Linux). */
function rssMb(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
  if (!Number.isFinite(kb)) throw new Error(`no VmRSS in /proc/${child.pid}/status`);
  return kb / 1024;
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
