import { resolve } from 'node:path';
import { parseEnvironment } from '@newscell/contracts';
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

/**
 * Validates the environment: a bad value stops the start with a message naming the variable, e.g.
 * `environment /PORT: must be <= 65535 (got 70000)`.
 */
export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const e: Static<typeof ApiEnvSchema> = parseEnvironment(ApiEnvSchema, env);
  return {
    host: e.HOST ?? '127.0.0.1',
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    redisUrl: e.REDIS_URL,
    modelsDir: resolve(e.MODELS_DIR),
  };
}
