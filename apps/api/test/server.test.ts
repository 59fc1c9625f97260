import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { redisUrl } from './support/test-app.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const serverJs = join(root, 'dist', 'server.js');

function newestMtime(dir: string): number {
  return Math.max(
    ...readdirSync(dir, { withFileTypes: true }).map((e) =>
      e.isDirectory() ? newestMtime(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs,
    ),
  );
}

// The process is tested as it ships (dist/); a stale build would test old code.
beforeAll(() => {
  const built = statSync(serverJs, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  if (built < newestMtime(join(root, 'src'))) {
    throw new Error(`${serverJs} is missing or older than src/: run npm run build in apps/api`);
  }
});

let child: ChildProcess | undefined;
afterEach(() => {
  if (child?.exitCode === null) child.kill('SIGKILL');
});

function start(env: NodeJS.ProcessEnv) {
  const output = { text: '' };
  child = spawn(process.execPath, [serverJs], {
    env: {
      PATH: process.env.PATH,
      REDIS_URL: redisUrl(),
      NEWSCELL_QUEUE_PREFIX: `test-server-${process.pid}`,
      PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => {
    output.text += String(d);
  });
  child.stderr?.on('data', (d) => {
    output.text += String(d);
  });
  const exited = new Promise<number | null>((r) => child?.on('exit', (code) => r(code)));
  return { output, exited };
}

async function waitFor(output: { text: string }, needle: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!output.text.includes(needle)) {
    if (Date.now() > deadline) throw new Error(`no "${needle}" in:\n${output.text}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('server process', () => {
  it('refuses a non-loopback HOST without API keys, naming HOST', async () => {
    const { output, exited } = start({ HOST: '0.0.0.0' });
    expect(await exited).toBe(1);
    expect(output.text).toContain(
      'newscell api: environment /HOST: 0.0.0.0 is not a loopback address, and no API keys are set',
    );
  });

  it('stops on a bad variable, naming it', async () => {
    const { output, exited } = start({ NEWSCELL_RATE_LIMIT_MAX: 'lots' });
    expect(await exited).toBe(1);
    expect(output.text).toMatch(/environment \/NEWSCELL_RATE_LIMIT_MAX: .*\(got "lots"\)/);
  });

  it('says at start that every route is open without keys, and stops cleanly on SIGTERM', async () => {
    const { output, exited } = start({});
    await waitFor(output, 'no API keys configured');
    expect(output.text).toContain('Server listening at http://127.0.0.1:');
    child?.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output.text).toContain('"signal":"SIGTERM"');
  });

  it('with keys, listens anywhere and does not print them', async () => {
    const key = 'server-admin-key-0123456789';
    const { output, exited } = start({ HOST: '0.0.0.0', NEWSCELL_ADMIN_KEYS: key });
    await waitFor(output, 'API keys configured');
    child?.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output.text).not.toContain(key);
  });
});
