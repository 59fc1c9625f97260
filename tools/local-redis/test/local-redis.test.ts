import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureRedis, stopProjectRedis } from '../src/local-redis.js';
import { pingRedis } from '../src/ping.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'newscell-redis-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const quiet = () => {};

describe('ensureRedis', () => {
  it('starts a Redis with the append-only file on when none answers, and stops only its own', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const dataDir = tempDir();
    expect(await pingRedis(url)).toBe(false);

    const ours = await ensureRedis({ url, dataDir, log: quiet });
    expect(ours).toMatchObject({ url, startedHere: true });
    const client = new Redis(url);
    expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
    expect(await client.config('GET', 'maxmemory-policy')).toEqual([
      'maxmemory-policy',
      'noeviction',
    ]);
    await client.set('survives', '1');
    client.disconnect();

    // A second caller finds it answering: not started there, so its stop() leaves it running.
    const theirs = await ensureRedis({ url, dataDir, log: quiet });
    expect(theirs.startedHere).toBe(false);
    await theirs.stop();
    expect(await pingRedis(url)).toBe(true);

    await ours.stop();
    expect(await pingRedis(url)).toBe(false);
    expect(existsSync(join(dataDir, 'appendonlydir'))).toBe(true);

    // Queued work survives a restart: the append-only file is read back.
    const again = await ensureRedis({ url, dataDir, log: quiet });
    const reader = new Redis(url);
    expect(await reader.get('survives')).toBe('1');
    reader.disconnect();
    await again.stop();
  });

  it('honours a password in the URL and never logs it', async () => {
    const port = await freePort();
    const url = `redis://:pa55word@127.0.0.1:${port}`;
    const lines: string[] = [];
    const handle = await ensureRedis({ url, dataDir: tempDir(), log: (l) => lines.push(l) });
    expect(await pingRedis(url)).toBe(true);
    expect(await pingRedis(`redis://127.0.0.1:${port}`)).toBe(false);
    expect(lines.join('\n')).not.toContain('pa55word');
    await handle.stop();
  });

  it('refuses to start anything for an address on another machine', async () => {
    await expect(
      ensureRedis({ url: 'redis://:topsecret@redis.invalid:6379', dataDir: tempDir(), log: quiet }),
    ).rejects.toThrow(/No Redis answers at REDIS_URL=redis:\/\/:\*\*\*@redis\.invalid:6379/);
  });

  it('stopProjectRedis stops the detached project Redis and nothing else', async () => {
    const port = await freePort();
    const dataDir = tempDir();
    const previous = process.env.REDIS_URL;
    // No REDIS_URL: the default address is tried first, then the project port.
    delete process.env.REDIS_URL;
    try {
      const handle = await ensureRedis({
        url: undefined,
        projectPort: port,
        dataDir,
        mode: 'detached',
        log: quiet,
      });
      // The default 6379 may answer on a developer's machine; then nothing was started.
      if (handle.url.endsWith(`:${port}`)) {
        expect(await stopProjectRedis(port + 1, dataDir)).toBe(false);
        expect(await pingRedis(handle.url)).toBe(true);
        expect(await stopProjectRedis(port, dataDir)).toBe(true);
        expect(await pingRedis(handle.url)).toBe(false);
      } else {
        expect(await stopProjectRedis(port, dataDir)).toBe(false);
      }
    } finally {
      if (previous !== undefined) process.env.REDIS_URL = previous;
    }
  });

  it('never stops a Redis it finds running without its pid file', async () => {
    const port = await freePort();
    const foreign = await ensureRedis({
      url: `redis://127.0.0.1:${port}`,
      dataDir: tempDir(),
      log: quiet,
    });
    expect(await stopProjectRedis(port, tempDir())).toBe(false);
    expect(await pingRedis(foreign.url)).toBe(true);
    await foreign.stop();
  });
});
