import { resolve } from 'node:path';
import {
  DEFAULT_QUEUE_PREFIX,
  parseEnvironment,
  type TrainingBudget,
  TrainingBudgetEnvSchema,
  trainingBudgetFromEnv,
} from '@newscell/contracts';
import Type, { type Static } from 'typebox';

/** The worker's settings, read from the environment once at start-up. */
export const WorkerEnvSchema = Type.Object({
  REDIS_URL: Type.String({ default: 'redis://127.0.0.1:6379' }),
  NEWSCELL_QUEUE_PREFIX: Type.String({
    minLength: 1,
    pattern: '^[A-Za-z0-9:_{}-]+$',
    default: DEFAULT_QUEUE_PREFIX,
  }),
  MODELS_DIR: Type.String({ minLength: 1, default: 'var/models' }),
  CHECKPOINTS_DIR: Type.String({ minLength: 1, default: 'var/checkpoints' }),
  NEWSCELL_EMBEDDINGS_DIR: Type.String({ minLength: 1, default: 'var/embeddings' }),
  WORKER_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 64, default: 1 }),
  WORKER_LOCK_DURATION_MS: Type.Integer({ minimum: 1000, default: 30_000 }),
  WORKER_STALLED_INTERVAL_MS: Type.Integer({ minimum: 1000, default: 30_000 }),
  WORKER_MAX_STALLED_COUNT: Type.Integer({ minimum: 0, default: 5 }),
  WORKER_SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 1000, default: 60_000 }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
  ...TrainingBudgetEnvSchema.properties,
});

export interface WorkerConfig {
  redisUrl: string;
  queuePrefix: string;
  modelsDir: string;
  checkpointsDir: string;
  embeddingsDir: string;
  /** Trainings run at once by one worker process (each in its own child process). */
  concurrency: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
  /** How often a job may be found stalled (its worker died) and resumed before it fails. */
  maxStalledCount: number;
  /** How long SIGTERM waits for the active trainings to checkpoint and hand back. */
  shutdownTimeoutMs: number;
  logLevel: string;
  /** Largest training accepted (checked again here: a job may have been queued under other limits). */
  budget: TrainingBudget;
}

/** Validates the environment; a bad value throws naming the variable and the value. */
export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const e: Static<typeof WorkerEnvSchema> = parseEnvironment(WorkerEnvSchema, env);
  return {
    redisUrl: e.REDIS_URL,
    queuePrefix: e.NEWSCELL_QUEUE_PREFIX,
    modelsDir: resolve(e.MODELS_DIR),
    checkpointsDir: resolve(e.CHECKPOINTS_DIR),
    embeddingsDir: resolve(e.NEWSCELL_EMBEDDINGS_DIR),
    concurrency: e.WORKER_CONCURRENCY,
    lockDurationMs: e.WORKER_LOCK_DURATION_MS,
    stalledIntervalMs: e.WORKER_STALLED_INTERVAL_MS,
    maxStalledCount: e.WORKER_MAX_STALLED_COUNT,
    shutdownTimeoutMs: e.WORKER_SHUTDOWN_TIMEOUT_MS,
    logLevel: e.LOG_LEVEL,
    budget: trainingBudgetFromEnv(e),
  };
}
