import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp, loadApiConfig } from '@newscell/api';
import { TRAINING_QUEUE_NAME } from '@newscell/contracts';
import { agNewsDirForTests } from '@newscell/dataset';
import { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';

const here = dirname(fileURLToPath(import.meta.url));
export const DIST_DIR = join(here, '..', '..', 'dist');
const WORKER_MAIN = join(here, '..', '..', '..', 'worker', 'dist', 'main.js');

export const ADMIN_KEY = 'dashboard-admin-key-0123456789';
export const READ_KEY = 'dashboard-read-key-0123456789';

export interface DashboardStack {
  /** `http://127.0.0.1:<port>`, the real API. */
  origin: string;
  app: FastifyInstance;
  modelsDir: string;
  /** Starts the real worker (`apps/worker/dist/main.js`) on this stack's queue and models. */
  startWorker: () => Promise<void>;
  workerOutput: () => string;
  close: () => Promise<void>;
}

function redisUrl(): string {
  const url = process.env.REDIS_URL;
  if (url === undefined)
    throw new Error('REDIS_URL is not set: the vitest globalSetup starts Redis');
  return url;
}

/**
 * The real API on a real port and Redis, on a fresh queue prefix and model folder, with an admin
 * key configured (so the page's key field is exercised).
 */
export async function startDashboardStack(): Promise<DashboardStack> {
  if (!existsSync(join(DIST_DIR, 'index.html')))
    throw new Error(`${DIST_DIR}/index.html is missing: run npm run build in apps/dashboard first`);
  const prefix = `dash-${randomBytes(5).toString('hex')}`;
  const root = mkdtempSync(join(tmpdir(), 'newscell-dashboard-'));
  const modelsDir = join(root, 'models');
  const config = loadApiConfig({
    REDIS_URL: redisUrl(),
    NEWSCELL_QUEUE_PREFIX: prefix,
    MODELS_DIR: modelsDir,
    LOG_LEVEL: 'warn',
    NEWSCELL_ADMIN_KEYS: ADMIN_KEY,
    NEWSCELL_READ_KEYS: READ_KEY,
    // The API serves the dashboard at `/` (@fastify/static): this build, not a copy.
    NEWSCELL_DASHBOARD_DIR: DIST_DIR,
  });
  const app = await buildApp({ config, redisReachable: async () => true });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('API has no TCP address');
  const origin = `http://127.0.0.1:${address.port}`;

  let worker: ChildProcess | undefined;
  let output = '';
  const startWorker = async () => {
    if (!existsSync(WORKER_MAIN))
      throw new Error(
        `${WORKER_MAIN} is missing: build apps/worker first (turbo does before tests)`,
      );
    worker = spawn(process.execPath, [WORKER_MAIN], {
      env: {
        ...process.env,
        REDIS_URL: config.redisUrl,
        NEWSCELL_QUEUE_PREFIX: prefix,
        MODELS_DIR: modelsDir,
        CHECKPOINTS_DIR: join(root, 'checkpoints'),
        AGNEWS_DIR: await agNewsDirForTests(),
        TFJS_BACKEND: 'wasm',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const child = worker;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`worker not ready in 60 s:\n${output.slice(-2000)}`)),
        60_000,
      );
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('training worker ready')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`worker exited with ${code}:\n${output.slice(-2000)}`));
      });
    });
  };

  return {
    origin,
    app,
    modelsDir,
    startWorker,
    workerOutput: () => output,
    async close() {
      if (worker !== undefined && worker.exitCode === null) {
        const exited = new Promise((resolve) => worker?.once('exit', resolve));
        worker.kill('SIGKILL');
        await exited;
      }
      await app.close();
      const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
      const queue = new Queue(TRAINING_QUEUE_NAME, { connection: redis, prefix });
      await queue.obliterate({ force: true });
      await queue.close();
      const leftovers = await redis.keys(`${prefix}:*`);
      if (leftovers.length > 0) await redis.del(...leftovers);
      await redis.quit();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
