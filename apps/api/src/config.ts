import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_QUEUE_PREFIX,
  NewscellError,
  parseEnvironment,
  type TrainingBudget,
  TrainingBudgetEnvSchema,
  trainingBudgetFromEnv,
} from '@newscell/contracts';
import Type, { type Static } from 'typebox';
import { DEFAULT_MAX_JSON_DEPTH } from './json-body.js';

/** The API's settings, read from the environment once at start-up. */
export const ApiEnvSchema = Type.Object({
  HOST: Type.Optional(Type.String({ minLength: 1 })),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
  REDIS_URL: Type.String({ default: 'redis://127.0.0.1:6379' }),
  MODELS_DIR: Type.String({ minLength: 1, default: 'var/models' }),
  NEWSCELL_QUEUE_PREFIX: Type.String({
    minLength: 1,
    pattern: '^[A-Za-z0-9:_{}-]+$',
    default: DEFAULT_QUEUE_PREFIX,
  }),
  NEWSCELL_ADMIN_KEYS: Type.Optional(Type.String()),
  NEWSCELL_READ_KEYS: Type.Optional(Type.String()),
  CORS_ORIGINS: Type.Optional(Type.String()),
  NEWSCELL_BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, default: 1_048_576 }),
  NEWSCELL_MAX_TEXTS: Type.Integer({ minimum: 1, default: 256 }),
  NEWSCELL_MAX_TEXT_CHARS: Type.Integer({ minimum: 1, default: 10_000 }),
  NEWSCELL_MAX_JSON_DEPTH: Type.Integer({
    minimum: 8,
    maximum: 1000,
    default: DEFAULT_MAX_JSON_DEPTH,
  }),
  NEWSCELL_RATE_LIMIT_MAX: Type.Integer({ minimum: 1, default: 600 }),
  NEWSCELL_RATE_LIMIT_WINDOW_MS: Type.Integer({ minimum: 1000, default: 60_000 }),
  NEWSCELL_SSE_HEARTBEAT_MS: Type.Integer({ minimum: 100, default: 15_000 }),
  NEWSCELL_SSE_MAX_STREAMS: Type.Integer({ minimum: 1, maximum: 100_000, default: 1000 }),
  NEWSCELL_SSE_MAX_STREAMS_PER_KEY: Type.Integer({ minimum: 1, maximum: 100_000, default: 64 }),
  NEWSCELL_BULL_BOARD_WRITE: Type.Union([Type.Literal('true'), Type.Literal('false')], {
    default: 'false',
  }),
  NEWSCELL_MODEL_CACHE_SIZE: Type.Integer({ minimum: 1, maximum: 1000, default: 4 }),
  NEWSCELL_BATCH_WINDOW_MS: Type.Number({ minimum: 0, maximum: 1000, default: 5 }),
  NEWSCELL_REGISTRY_RECHECK_MS: Type.Integer({ minimum: 0, maximum: 600_000, default: 1000 }),
  NEWSCELL_BATCH_MAX_TEXTS: Type.Integer({ minimum: 1, maximum: 4096, default: 64 }),
  NEWSCELL_DASHBOARD_DIR: Type.Optional(Type.String({ minLength: 1 })),
  AGNEWS_DIR: Type.Optional(Type.String()),
  AGNEWS_URL: Type.Optional(Type.String()),
  ...TrainingBudgetEnvSchema.properties,
});

/** `apps/dashboard/dist` of this checkout (this file runs from `apps/api/dist/`). */
export const DEFAULT_DASHBOARD_DIR = fileURLToPath(
  new URL('../../dashboard/dist', import.meta.url),
);

/** Shortest API key accepted: anything shorter is guessable. */
export const MIN_API_KEY_LENGTH = 16;

export interface ApiConfig {
  host: string;
  port: number;
  logLevel: string;
  redisUrl: string;
  modelsDir: string;
  queuePrefix: string;
  /** Keys that may do everything (create and cancel jobs, bull-board) and read. */
  adminKeys: string[];
  /** Keys that may only read (list, get, predict, compare). */
  readKeys: string[];
  /** Origins allowed by CORS; empty means CORS stays off. */
  corsOrigins: string[];
  limits: {
    bodyBytes: number;
    /** Texts in one predict request. */
    textsPerRequest: number;
    /** Characters in one text of a predict request. */
    charsPerText: number;
    /** Nesting of arrays and objects in a JSON body (400 beyond). */
    jsonDepth: number;
  };
  rateLimit: { max: number; windowMs: number };
  sseHeartbeatMs: number;
  /** Open Server-Sent Event streams allowed (429 beyond). */
  sseLimits: {
    /** In this process, all callers together. */
    maxStreams: number;
    /** Per API key (per client address without keys). */
    maxStreamsPerKey: number;
  };
  /** Whether bull-board may change the queue (add, retry, clean, remove…); read-only when false. */
  bullBoardWrite: boolean;
  serving: {
    /** Models kept loaded (least recently used unloaded beyond). */
    cacheModels: number;
    /** How long a predict request waits for others to share its model call. */
    batchWindowMs: number;
    /** Texts per model call. */
    batchMaxTexts: number;
    /** How stale the predict path's view of registry and aliases may be. */
    registryRecheckMs: number;
  };
  /** Static files served at `/` (the dashboard build). */
  dashboardDir: string;
  /** Largest training job and comparison accepted (estimated before enqueueing). */
  budget: TrainingBudget;
  /**
   * Where the AG News of disagreement texts is looked for, as the worker looks, on the first
   * request that needs it (never at start-up: the API runs without the data).
   */
  agNews: {
    /** `AGNEWS_DIR`: used as it is, never downloaded over. */
    dir: string | undefined;
    /** `AGNEWS_URL`: the archive to download when no folder has the files. */
    url: string | undefined;
    /** `./data` of the working directory: `ag_news/` is read from there, or downloaded into it. */
    dataDir: string;
  };
}

/**
 * Validates the environment: a bad value stops the start with a message naming the variable, e.g.
 * `environment /PORT: must be <= 65535 (got 70000)`. Without API keys every route is open, so the
 * API then refuses to listen anywhere but on loopback.
 */
export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const e: Static<typeof ApiEnvSchema> = parseEnvironment(ApiEnvSchema, env);
  const adminKeys = parseKeys('NEWSCELL_ADMIN_KEYS', e.NEWSCELL_ADMIN_KEYS);
  const readKeys = parseKeys('NEWSCELL_READ_KEYS', e.NEWSCELL_READ_KEYS);
  const host = e.HOST ?? '127.0.0.1';
  if (adminKeys.length + readKeys.length === 0 && !isLoopback(host)) {
    throw new NewscellError(
      'INVALID_CONFIG',
      `environment /HOST: ${host} is not a loopback address, and no API keys are set, so every ` +
        'route would be open to the network. Set NEWSCELL_ADMIN_KEYS and/or NEWSCELL_READ_KEYS, ' +
        'or listen on HOST=127.0.0.1.',
      { details: { variable: 'HOST', value: host } },
    );
  }
  return {
    host,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    redisUrl: e.REDIS_URL,
    modelsDir: resolve(e.MODELS_DIR),
    queuePrefix: e.NEWSCELL_QUEUE_PREFIX,
    adminKeys,
    readKeys,
    corsOrigins: splitList(e.CORS_ORIGINS),
    limits: {
      bodyBytes: e.NEWSCELL_BODY_LIMIT_BYTES,
      textsPerRequest: e.NEWSCELL_MAX_TEXTS,
      charsPerText: e.NEWSCELL_MAX_TEXT_CHARS,
      jsonDepth: e.NEWSCELL_MAX_JSON_DEPTH,
    },
    rateLimit: { max: e.NEWSCELL_RATE_LIMIT_MAX, windowMs: e.NEWSCELL_RATE_LIMIT_WINDOW_MS },
    sseHeartbeatMs: e.NEWSCELL_SSE_HEARTBEAT_MS,
    sseLimits: {
      maxStreams: e.NEWSCELL_SSE_MAX_STREAMS,
      maxStreamsPerKey: e.NEWSCELL_SSE_MAX_STREAMS_PER_KEY,
    },
    bullBoardWrite: e.NEWSCELL_BULL_BOARD_WRITE === 'true',
    serving: {
      cacheModels: e.NEWSCELL_MODEL_CACHE_SIZE,
      batchWindowMs: e.NEWSCELL_BATCH_WINDOW_MS,
      batchMaxTexts: e.NEWSCELL_BATCH_MAX_TEXTS,
      registryRecheckMs: e.NEWSCELL_REGISTRY_RECHECK_MS,
    },
    dashboardDir:
      e.NEWSCELL_DASHBOARD_DIR === undefined
        ? DEFAULT_DASHBOARD_DIR
        : resolve(e.NEWSCELL_DASHBOARD_DIR),
    budget: trainingBudgetFromEnv(e),
    agNews: {
      dir: e.AGNEWS_DIR || undefined,
      url: e.AGNEWS_URL || undefined,
      dataDir: resolve('data'),
    },
  };
}

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || host === '[::1]';
}

function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

// Messages name the variable and the key's position, never the key itself.
function parseKeys(variable: string, value: string | undefined): string[] {
  const keys = splitList(value);
  keys.forEach((key, i) => {
    if (key.length < MIN_API_KEY_LENGTH) {
      throw new NewscellError(
        'INVALID_CONFIG',
        `environment /${variable}: key ${i + 1} has ${key.length} characters; use at least ${MIN_API_KEY_LENGTH} (e.g. openssl rand -hex 24)`,
        { details: { variable, position: i + 1 } },
      );
    }
  });
  return keys;
}
