import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { agNewsDirForTests } from '@newscell/dataset';
import { freePort } from '@newscell/local-redis';
import { waitFor } from './wait-for.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

/** `npm start` (scripts/start.mjs) as a test runs it: private port, folders and queue prefix. */
export interface NpmStart {
  child: ChildProcess;
  port: number;
  prefix: string;
  dir: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Pid of each running process by label (`api`, `worker 1`, …), from the supervisor's log. */
  pids: () => Map<string, number>;
  /** Resolves when the log contains text matching `pattern`. */
  waitForOutput: (pattern: RegExp | string, timeoutMs?: number) => Promise<void>;
  /** Whether the API answers `/healthz` with 200 right now. */
  apiServing: () => Promise<boolean>;
  /** SIGTERM and wait; SIGKILL everything left after `timeoutMs`. */
  stop: (timeoutMs?: number) => Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Spawns scripts/start.mjs without its build step (the test run built everything), on `redisUrl`,
 * with `workers` worker processes and fast restart backoff unless `env` says otherwise.
 */
export async function startNpmStart(options: {
  redisUrl: string;
  prefix: string;
  workers: number;
  env?: Record<string, string>;
}): Promise<NpmStart> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'newscell-start-'));
  const child = spawn(process.execPath, [join(repoRoot, 'scripts', 'start.mjs')], {
    cwd: repoRoot,
    env: {
      ...process.env,
      NEWSCELL_START_SKIP_BUILD: '1',
      REDIS_URL: options.redisUrl,
      NEWSCELL_VAR_DIR: join(dir, 'var'),
      NEWSCELL_QUEUE_PREFIX: options.prefix,
      NEWSCELL_WORKERS: String(options.workers),
      PORT: String(port),
      MODELS_DIR: join(dir, 'models'),
      CHECKPOINTS_DIR: join(dir, 'checkpoints'),
      AGNEWS_DIR: await agNewsDirForTests(),
      TFJS_BACKEND: 'wasm',
      LOG_LEVEL: 'info',
      NEWSCELL_RESTART_DELAY_MS: '500',
      NEWSCELL_RESTART_MAX_DELAY_MS: '4000',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once('exit', (code, signal) => r({ code, signal })),
  );
  const pids = () => {
    const found = new Map<string, number>();
    for (const m of output.matchAll(/newscell: (api|worker \d+|worker) started \(pid (\d+)\)/g)) {
      found.set(m[1] as string, Number(m[2]));
    }
    return found;
  };
  const waitForOutput = (pattern: RegExp | string, timeoutMs = 60_000) =>
    waitFor(
      `npm start to log ${pattern}`,
      async () =>
        (typeof pattern === 'string' ? output.includes(pattern) : pattern.test(output)) ||
        undefined,
      timeoutMs,
    ).then(
      () => undefined,
      (error: Error) => {
        throw new Error(`${error.message}; output:\n${output.slice(-4000)}`);
      },
    );
  const apiServing = async () => {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`, {
        signal: AbortSignal.timeout(2000),
      });
      return res.status === 200;
    } catch {
      return false;
    }
  };
  const stop = async (timeoutMs = 90_000) => {
    const running = child.exitCode === null && child.signalCode === null;
    if (running) child.kill('SIGTERM');
    const timer = setTimeout(() => {
      for (const pid of pids().values()) if (alive(pid)) process.kill(pid, 'SIGKILL');
      child.kill('SIGKILL');
    }, timeoutMs);
    const exit = await exited;
    clearTimeout(timer);
    return exit;
  };
  return {
    child,
    port,
    prefix: options.prefix,
    dir,
    output: () => output,
    exited,
    pids,
    waitForOutput,
    apiServing,
    stop,
  };
}

export function removeNpmStartDir(run: NpmStart | undefined): void {
  if (run !== undefined && existsSync(run.dir)) rmSync(run.dir, { recursive: true, force: true });
}

/** Whether a process of that pid exists (and is not a zombie). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.split(') ')[1]?.startsWith('Z') !== true;
  } catch {
    return false;
  }
}
