import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The real worker, compiled (`npm run build` in apps/worker; turbo builds it before these tests).
const WORKER_MAIN = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'worker',
  'dist',
  'main.js',
);

/** A real worker process on the test app's queue, with its own checkpoint folder. */
export interface RealWorker {
  process: ChildProcess;
  /** Everything it wrote so far (stdout and stderr), for failure messages. */
  output(): string;
  /** SIGTERM, wait for the exit, remove the checkpoint folder. */
  stop(): Promise<void>;
}

export async function startRealWorker(options: {
  redisUrl: string;
  prefix: string;
  modelsDir: string;
  agNewsDir: string;
}): Promise<RealWorker> {
  const checkpoints = await mkdtemp(join(tmpdir(), 'newscell-api-worker-checkpoints-'));
  const child = spawn(process.execPath, [WORKER_MAIN], {
    env: {
      ...process.env,
      REDIS_URL: options.redisUrl,
      NEWSCELL_QUEUE_PREFIX: options.prefix,
      MODELS_DIR: options.modelsDir,
      CHECKPOINTS_DIR: checkpoints,
      AGNEWS_DIR: options.agNewsDir,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
  }
  return {
    process: child,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(checkpoints, { recursive: true, force: true });
    },
  };
}
