import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import {
  TRAINING_QUEUE_NAME,
  type TrainingJobData,
  type TrainingResult,
} from '@newscell/contracts';
import { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterEach } from 'vitest';
import { buildApp } from '../../src/app.js';
import { type ApiConfig, loadApiConfig } from '../../src/config.js';

export const ADMIN_KEY = 'admin-key-0123456789abcdef';
export const READ_KEY = 'read-key-0123456789abcdef';

export function redisUrl(): string {
  const url = process.env.REDIS_URL;
  if (url === undefined)
    throw new Error('REDIS_URL is not set: the vitest globalSetup starts Redis');
  return url;
}

export interface TestApp {
  app: FastifyInstance;
  config: ApiConfig;
  prefix: string;
  /** A queue on the same prefix, for arranging jobs the way a worker would leave them. */
  queue: Queue<TrainingJobData, TrainingResult>;
  redis: Redis;
  /** Every log line the app wrote. */
  logs: string[];
  close(): Promise<void>;
}

/**
 * The app on the real Redis, on a fresh random queue prefix; `close()` obliterates that queue and
 * closes everything. Keys are configured unless `env` says otherwise.
 */
export async function testApp(env: NodeJS.ProcessEnv = {}): Promise<TestApp> {
  const prefix = `test-${randomBytes(6).toString('hex')}`;
  const modelsDir = mkdtempSync(join(tmpdir(), 'newscell-api-'));
  const config = loadApiConfig({
    REDIS_URL: redisUrl(),
    NEWSCELL_QUEUE_PREFIX: prefix,
    MODELS_DIR: modelsDir,
    // Never the checkout's real dashboard build: tests must not depend on whether it exists.
    NEWSCELL_DASHBOARD_DIR: join(modelsDir, 'no-dashboard'),
    LOG_LEVEL: 'info',
    NEWSCELL_ADMIN_KEYS: ADMIN_KEY,
    NEWSCELL_READ_KEYS: READ_KEY,
    ...env,
  });
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const app = await buildApp({ config, redisReachable: async () => true, logStream });
  await app.ready();
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue<TrainingJobData, TrainingResult>(TRAINING_QUEUE_NAME, {
    connection: redis,
    prefix,
  });
  return {
    app,
    config,
    prefix,
    queue,
    redis,
    logs,
    async close() {
      await app.close();
      await queue.obliterate({ force: true });
      await queue.close();
      const leftovers = await redis.keys(`${prefix}:*`);
      if (leftovers.length > 0) await redis.del(...leftovers);
      await redis.quit();
      rmSync(modelsDir, { recursive: true, force: true });
    },
  };
}

export const admin = { authorization: `Bearer ${ADMIN_KEY}` };
export const reader = { 'x-api-key': READ_KEY };

// Cast: contracts' CellType currently infers as never (its union is built from a mapped array).
export const gruJob = {
  name: 'quick gru',
  model: { cell: 'gru' },
  training: { epochs: 2 },
} as unknown as TrainingJobData;

/**
 * `make(env)` builds a {@link testApp} that is closed after the current test (registers an
 * `afterEach` in the calling test file).
 */
export function testAppsClosedAfterEach(): (env?: NodeJS.ProcessEnv) => Promise<TestApp> {
  const apps: TestApp[] = [];
  afterEach(async () => {
    for (const a of apps.splice(0)) await a.close();
  });
  return async (env = {}) => {
    const a = await testApp(env);
    apps.push(a);
    return a;
  };
}
