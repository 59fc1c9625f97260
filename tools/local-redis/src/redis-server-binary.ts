import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { aptGet } from './apt-get.js';

/** Path of `redis-server` on PATH (or in /usr/sbin, /usr/bin), or undefined. */
export function findRedisServer(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = [...(env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/sbin', '/usr/local/bin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = join(dir, 'redis-server');
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** How to install redis-server here, for the error message when we may not do it ourselves. */
export const INSTALL_HINT =
  'Install Redis (Debian/Ubuntu: `sudo apt-get install redis-server`; macOS: `brew install redis`) ' +
  'or point REDIS_URL at a running Redis.';

/**
 * Installs redis-server with apt-get, which we only do as root on Debian-like systems: anywhere
 * else we do not know the package manager or may not use it, so we stop and say how.
 */
export function installRedisServer(log: (line: string) => void): string {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const isDebian = existsSync('/etc/debian_version');
  if (!isRoot || !isDebian) {
    throw new Error(
      `redis-server is not installed and newscell installs it only as root on Debian. ${INSTALL_HINT}`,
    );
  }
  log('redis-server not found: installing it with apt-get (Debian, running as root)…');
  // policy-rc.d exit 101 would be the classic way to keep the package's own service from starting;
  // instead we never rely on that service: the project starts its own process on its own port.
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', '--no-install-recommends', 'redis-server'],
  ]) {
    try {
      aptGet(args, { log });
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${INSTALL_HINT}`);
    }
  }
  const found = findRedisServer();
  if (found === undefined)
    throw new Error(`apt-get installed redis-server but it is not on PATH. ${INSTALL_HINT}`);
  log(`installed ${found}`);
  return found;
}
