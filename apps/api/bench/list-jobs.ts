// Compiled to bench-results/tmp/build/bench/, hence the four steps up to the workspace.
// How long the job routes take as the queue fills: listing scans ids in Redis and, with a cell
// filter, loads jobs in chunks, so its cost grows with the queue. Measured through inject() on a
// real Redis (no network), on a fresh random prefix that is obliterated afterwards.
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ensureRedis } from '@newscell/local-redis';
import { buildApp } from '../src/app.js';
import { loadApiConfig } from '../src/config.js';

const JOBS = Number(process.env.BENCH_JOBS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const cells = ['rnn', 'lstm', 'gru', 'bow'];

const redis = await ensureRedis({ mode: 'attached' });
const prefix = `bench-${randomBytes(6).toString('hex')}`;
const config = loadApiConfig({
  REDIS_URL: redis.url,
  NEWSCELL_QUEUE_PREFIX: prefix,
  LOG_LEVEL: 'silent',
  NEWSCELL_RATE_LIMIT_MAX: '1000000',
});
const app = await buildApp({ config, redisReachable: async () => true });
await app.ready();

async function timed(url: string, method: 'GET' | 'POST' = 'GET', payload?: object) {
  const samples: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    const res = await app.inject({ method, url, ...(payload ? { payload } : {}) });
    samples.push(performance.now() - start);
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) =>
    samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? 0;
  return { medianMs: round(at(0.5)), p95Ms: round(at(0.95)) };
}
const round = (x: number) => Math.round(x * 100) / 100;

try {
  const create = await timed('/v1/training-jobs', 'POST', { model: { cell: 'gru' } });
  for (let i = ROUNDS; i < JOBS; i++) {
    await app.trainingQueue.add('bench', { model: { cell: cells[i % 4] } } as never);
  }
  const results = {
    name: 'list-jobs',
    jobsOnQueue: JOBS,
    rounds: ROUNDS,
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    routes: {
      'POST /v1/training-jobs': create,
      'GET /v1/training-jobs/:id': await timed('/v1/training-jobs/7'),
      'GET /v1/training-jobs?limit=20': await timed('/v1/training-jobs?limit=20'),
      'GET /v1/training-jobs?limit=20&offset=1000': await timed(
        '/v1/training-jobs?limit=20&offset=1000',
      ),
      'GET /v1/training-jobs?cell=lstm&limit=20': await timed(
        '/v1/training-jobs?cell=lstm&limit=20',
      ),
      'GET /v1/training-jobs?cell=lstm&limit=20&offset=400': await timed(
        '/v1/training-jobs?cell=lstm&limit=20&offset=400',
      ),
    },
  };
  console.log(`api job routes, ${JOBS} jobs queued, ${ROUNDS} rounds each (inject, real Redis)`);
  for (const [route, r] of Object.entries(results.routes)) {
    console.log(`  ${route.padEnd(52)} median ${r.medianMs} ms, p95 ${r.p95Ms} ms`);
  }
  const out = join(
    dirname(fileURLToPath(import.meta.url)),
    '..',
    '..',
    '..',
    '..',
    'bench-results',
  );
  mkdirSync(out, { recursive: true });
  const file = join(out, 'list-jobs.json');
  writeFileSync(`${file}.tmp`, `${JSON.stringify(results, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  console.log(`wrote ${file}`);
} finally {
  await app.trainingQueue.obliterate({ force: true });
  await app.close();
  await redis.stop();
}
