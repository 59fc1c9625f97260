export {
  type EnsureRedisOptions,
  ensureRedis,
  projectRedisDir,
  type RedisHandle,
  stopProjectRedis,
} from './local-redis.js';
export { pingRedis } from './ping.js';
export {
  freePort,
  type PrivateRedis,
  type PrivateRedisOptions,
  startPrivateRedis,
} from './private-redis.js';
export { findRedisServer, INSTALL_HINT, installRedisServer } from './redis-server-binary.js';
export {
  DEFAULT_PROJECT_REDIS_PORT,
  DEFAULT_REDIS_URL,
  type ParsedRedisUrl,
  parseRedisUrl,
  redactRedisUrl,
} from './redis-url.js';
