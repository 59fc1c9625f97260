import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureRedis, type RedisHandle } from './local-redis.js';

export interface PrivateRedisOptions {
  /**
   * Directory for its append-only file and log; removed by `dispose()` only when made here.
   * @defaultValue a new temporary directory
   */
  dataDir?: string;
  /** @defaultValue silent */
  log?: (line: string) => void;
}

export interface PrivateRedis {
  url: string;
  port: number;
  dataDir: string;
  /** Stops the server (SIGTERM: the append-only file is written out first). */
  stop(): Promise<void>;
  /** Starts it again on the same port from the same directory, as after a crash or an upgrade. */
  start(): Promise<void>;
  /** Stops it and removes a data directory made here. */
  dispose(): Promise<void>;
}

/**
 * A Redis of one's own on a free port, append-only file on, stopped by nobody else: for a test
 * run that must not lose its server when another run sharing the project Redis ends, and for
 * tests that restart Redis on purpose.
 */
export async function startPrivateRedis(options: PrivateRedisOptions = {}): Promise<PrivateRedis> {
  const madeDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'newscell-private-redis-'));
  const log = options.log ?? (() => {});
  let handle: RedisHandle | undefined;
  let port = 0;
  // The port is free when asked for, but something may take it before the server binds it.
  for (let attempt = 0; attempt < 5 && handle === undefined; attempt++) {
    port = await freePort();
    const found = await ensureRedis({ url: `redis://127.0.0.1:${port}`, dataDir, log });
    if (found.startedHere) handle = found;
  }
  if (handle === undefined) {
    if (madeDir) rmSync(dataDir, { recursive: true, force: true });
    throw new Error('could not start a private Redis: every free port was taken before it bound');
  }
  const url = `redis://127.0.0.1:${port}`;
  const stop = async () => {
    await handle?.stop();
    handle = undefined;
  };
  return {
    url,
    port,
    dataDir,
    stop,
    async start() {
      if (handle !== undefined) return;
      const started = await ensureRedis({ url, dataDir, log });
      if (!started.startedHere) {
        throw new Error(`port ${port} was taken while the private Redis was down`);
      }
      handle = started;
    },
    async dispose() {
      await stop();
      if (madeDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A TCP port nothing listens on (bound once by the operating system on loopback, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port from the operating system')),
      );
    });
  });
}
