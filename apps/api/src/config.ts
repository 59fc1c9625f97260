import { resolve } from 'node:path';
import { parseWithSchema } from '@newscell/contracts';
import Type, { type Static } from 'typebox';

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
});

export interface ApiConfig {
  host: string;
  port: number;
  logLevel: string;
  redisUrl: string;
  modelsDir: string;
}

const NUMERIC = new Set(['PORT']);

/**
 * Validates the environment: a bad value stops the start with a message naming the variable, e.g.
 * `environment /PORT: must be <= 65535 (got 70000)`.
 */
export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(ApiEnvSchema.properties)) {
    const value = env[key];
    if (value === undefined || value === '') continue;
    raw[key] = NUMERIC.has(key) && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  }
  const parsed = parseWithSchema(ApiEnvSchema, raw, 'environment', 'INVALID_CONFIG') as Static<
    typeof ApiEnvSchema
  >;
  return {
    host: parsed.HOST ?? '127.0.0.1',
    port: parsed.PORT,
    logLevel: parsed.LOG_LEVEL,
    redisUrl: parsed.REDIS_URL,
    modelsDir: resolve(parsed.MODELS_DIR),
  };
}
