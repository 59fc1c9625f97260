/** Default address newscell looks for a Redis at, when `REDIS_URL` is not set. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** Port of the project's own Redis, started when nothing answers at the default address. */
export const DEFAULT_PROJECT_REDIS_PORT = 6389;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

export interface ParsedRedisUrl {
  host: string;
  port: number;
  password: string | undefined;
  loopback: boolean;
}

/** Parses a `redis://[user[:password]@]host[:port][/db]` URL; throws on anything else. */
export function parseRedisUrl(url: string): ParsedRedisUrl {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`REDIS_URL '${redactRedisUrl(url)}' is not a URL like redis://127.0.0.1:6379`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new Error(
      `REDIS_URL '${redactRedisUrl(url)}' must start with redis:// or rediss://, not ${parsed.protocol}//`,
    );
  }
  const host = parsed.hostname;
  const port = parsed.port === '' ? 6379 : Number(parsed.port);
  const password = parsed.password === '' ? undefined : decodeURIComponent(parsed.password);
  return {
    host,
    port,
    password,
    loopback: LOOPBACK_HOSTS.has(host) || host.startsWith('127.'),
  };
}

/** The URL with any password replaced by `***`, safe to print or log. */
export function redactRedisUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*:)([^@/]*)@/i, '$1***@');
}
