import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { DEFAULT_QUEUE_PREFIX, NewscellError, parseEnvironment } from '@newscell/contracts';
import Type, {} from 'typebox';
/** The API's settings, read from the environment once at start-up. */
export const ApiEnvSchema = Type.Object({
    HOST: Type.Optional(Type.String({ minLength: 1 })),
    PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
    LOG_LEVEL: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)), { default: 'info' }),
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
    NEWSCELL_RATE_LIMIT_MAX: Type.Integer({ minimum: 1, default: 600 }),
    NEWSCELL_RATE_LIMIT_WINDOW_MS: Type.Integer({ minimum: 1000, default: 60_000 }),
    NEWSCELL_SSE_HEARTBEAT_MS: Type.Integer({ minimum: 100, default: 15_000 }),
});
/** Shortest API key accepted: anything shorter is guessable. */
export const MIN_API_KEY_LENGTH = 16;
/**
 * Validates the environment: a bad value stops the start with a message naming the variable, e.g.
 * `environment /PORT: must be <= 65535 (got 70000)`. Without API keys every route is open, so the
 * API then refuses to listen anywhere but on loopback.
 */
export function loadApiConfig(env = process.env) {
    const e = parseEnvironment(ApiEnvSchema, env);
    const adminKeys = parseKeys('NEWSCELL_ADMIN_KEYS', e.NEWSCELL_ADMIN_KEYS);
    const readKeys = parseKeys('NEWSCELL_READ_KEYS', e.NEWSCELL_READ_KEYS);
    const host = e.HOST ?? '127.0.0.1';
    if (adminKeys.length + readKeys.length === 0 && !isLoopback(host)) {
        throw new NewscellError('INVALID_CONFIG', `environment /HOST: ${host} is not a loopback address, and no API keys are set, so every ` +
            'route would be open to the network. Set NEWSCELL_ADMIN_KEYS and/or NEWSCELL_READ_KEYS, ' +
            'or listen on HOST=127.0.0.1.', { details: { variable: 'HOST', value: host } });
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
        },
        rateLimit: { max: e.NEWSCELL_RATE_LIMIT_MAX, windowMs: e.NEWSCELL_RATE_LIMIT_WINDOW_MS },
        sseHeartbeatMs: e.NEWSCELL_SSE_HEARTBEAT_MS,
    };
}
/** True for addresses only this machine can reach. */
export function isLoopback(host) {
    if (host === 'localhost')
        return true;
    if (isIP(host) === 4)
        return host.startsWith('127.');
    return host === '::1' || host === '[::1]';
}
function splitList(value) {
    return (value ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
}
// Messages name the variable and the key's position, never the key itself.
function parseKeys(variable, value) {
    const keys = splitList(value);
    keys.forEach((key, i) => {
        if (key.length < MIN_API_KEY_LENGTH) {
            throw new NewscellError('INVALID_CONFIG', `environment /${variable}: key ${i + 1} has ${key.length} characters; use at least ${MIN_API_KEY_LENGTH} (e.g. openssl rand -hex 24)`, { details: { variable, position: i + 1 } });
        }
    });
    return keys;
}
