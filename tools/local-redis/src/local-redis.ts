import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pingRedis } from './ping.js';
import { findRedisServer, installRedisServer } from './redis-server-binary.js';
import {
  DEFAULT_PROJECT_REDIS_PORT,
  DEFAULT_REDIS_URL,
  parseRedisUrl,
  redactRedisUrl,
} from './redis-url.js';

export interface EnsureRedisOptions {
  /**
   * Where to look for a Redis first.
   * @defaultValue `process.env.REDIS_URL`, else `redis://127.0.0.1:6379`
   */
  url?: string;
  /**
   * `attached`: a Redis we start is a child of this process, stopped by `stop()` or when this
   * process exits (tests). `detached`: it outlives this process (`npm start`), stop it with
   * `stopProjectRedis()` / `npm run redis:stop`.
   * @defaultValue `'attached'`
   */
  mode?: 'attached' | 'detached';
  /**
   * Port of the project's own Redis when `url` was not given explicitly and nothing answers there.
   * @defaultValue `NEWSCELL_REDIS_PORT`, else 6389
   */
  projectPort?: number;
  /**
   * Directory for the project's Redis: append-only files, log, pid file.
   * @defaultValue `NEWSCELL_VAR_DIR/redis`, else `<repo>/var/redis`
   */
  dataDir?: string;
  /** @defaultValue 15000 */
  startTimeoutMs?: number;
  /** @defaultValue writes to stderr with a `[redis]` prefix */
  log?: (line: string) => void;
}

export interface RedisHandle {
  /** The URL to connect to (hand it to children as `REDIS_URL`). */
  url: string;
  /** True when this call started the server (and so `stop()` will stop it). */
  startedHere: boolean;
  /** Stops the server if this call started it in `attached` mode; otherwise does nothing. */
  stop(): Promise<void>;
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Directory holding the project's Redis state (see {@link EnsureRedisOptions.dataDir}). */
export function projectRedisDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.NEWSCELL_VAR_DIR ?? join(repoRoot, 'var'), 'redis');
}

function defaultLog(line: string): void {
  process.stderr.write(`[redis] ${line}\n`);
}

/**
 * Finds a Redis to use, or starts the project's own. Uses `REDIS_URL` (or the default address) when
 * it answers PING. Otherwise, for an address on this machine, starts `redis-server` (installing it
 * with apt-get when root on Debian) with its own data directory and the append-only file on, so
 * queued jobs survive a restart. Never stops a Redis it did not start.
 */
export async function ensureRedis(options: EnsureRedisOptions = {}): Promise<RedisHandle> {
  const log = options.log ?? defaultLog;
  const explicitUrl = options.url ?? process.env.REDIS_URL;
  const firstUrl = explicitUrl ?? DEFAULT_REDIS_URL;
  const notOurs = (url: string): RedisHandle => ({ url, startedHere: false, stop: async () => {} });

  if (await pingRedis(firstUrl)) return notOurs(firstUrl);

  const first = parseRedisUrl(firstUrl);
  if (explicitUrl !== undefined && !first.loopback) {
    throw new Error(
      `No Redis answers at REDIS_URL=${redactRedisUrl(firstUrl)}. newscell starts a Redis only on this ` +
        'machine (127.0.0.1/localhost); start that one, or unset REDIS_URL to use a project-local Redis.',
    );
  }
  // An explicit local URL means "that port"; otherwise the project Redis takes its own port so it
  // never gets in the way of a system Redis that may come up later on 6379.
  const port =
    explicitUrl !== undefined
      ? first.port
      : (options.projectPort ??
        Number(process.env.NEWSCELL_REDIS_PORT ?? DEFAULT_PROJECT_REDIS_PORT));
  const url = explicitUrl ?? `redis://127.0.0.1:${port}`;
  if (url !== firstUrl && (await pingRedis(url))) return notOurs(url);

  const binary = findRedisServer() ?? installRedisServer(log);
  const dataDir = options.dataDir ?? projectRedisDir();
  mkdirSync(dataDir, { recursive: true });
  const mode = options.mode ?? 'attached';
  // biome-ignore format: one flag and its value per line reads best
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--dir', dataDir,
    '--appendonly', 'yes',
    '--appendfsync', 'everysec',
    '--save', '',
    '--maxmemory-policy', 'noeviction', // BullMQ requires that keys are never evicted
    '--daemonize', 'no',
    '--logfile', join(dataDir, `redis-${port}.log`),
    '--pidfile', join(dataDir, `redis-${port}.pid`),
  ];
  if (first.password !== undefined && explicitUrl !== undefined) {
    args.push('--requirepass', first.password);
  }
  log(`starting ${binary} on 127.0.0.1:${port} (data in ${dataDir}, ${mode})`);
  const child = spawn(binary, args, {
    detached: mode === 'detached',
    stdio: 'ignore',
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  child.once('error', () => {
    exited = true;
  });

  const deadline = Date.now() + (options.startTimeoutMs ?? 15000);
  while (Date.now() < deadline) {
    if (await pingRedis(url, 500)) break;
    if (exited) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  if (exited) {
    // Lost a race with another process starting the same project Redis: use theirs.
    if (await pingRedis(url)) return notOurs(url);
    throw new Error(
      `redis-server exited at start; see ${join(dataDir, `redis-${port}.log`)}:\n${tail(join(dataDir, `redis-${port}.log`))}`,
    );
  }
  if (!(await pingRedis(url))) {
    child.kill('SIGKILL');
    throw new Error(`redis-server did not answer on 127.0.0.1:${port} within the start timeout`);
  }
  log(`ready at ${redactRedisUrl(url)}`);
  if (mode === 'detached') {
    child.unref();
    return notOurs(url);
  }
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  return {
    url,
    startedHere: true,
    stop: () => stopChild(child, killOnExit),
  };
}

async function stopChild(child: ChildProcess, killOnExit: () => void): Promise<void> {
  process.removeListener('exit', killOnExit);
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-10).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Stops the project's own detached Redis (from `npm start`) on `port`, identified by the pid file
 * in its data directory and checked to be a redis-server on that port: never any other Redis.
 * Returns false when there was nothing of ours to stop.
 */
export async function stopProjectRedis(
  port = Number(process.env.NEWSCELL_REDIS_PORT ?? DEFAULT_PROJECT_REDIS_PORT),
  dataDir = projectRedisDir(),
): Promise<boolean> {
  let pid: number;
  try {
    pid = Number(readFileSync(join(dataDir, `redis-${port}.pid`), 'utf8').trim());
  } catch {
    return false;
  }
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return false;
  }
  if (!cmdline.includes('redis-server') || !cmdline.includes(`:${port}`)) return false;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}
