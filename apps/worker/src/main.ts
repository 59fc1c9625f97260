import { pino } from 'pino';
import { ComparisonWorker } from './comparison-processor.js';
import { loadWorkerConfig, type WorkerConfig } from './config.js';
import { TrainingWorker } from './training-worker.js';

let config: WorkerConfig;
try {
  config = loadWorkerConfig();
} catch (error) {
  process.stderr.write(`newscell worker: ${(error as Error).message}\n`);
  process.exit(1);
}

const logger = pino({ level: config.logLevel, base: { service: 'worker', pid: process.pid } });

// Both workers exist (not yet connected) before any signal can arrive, so a stop is the same
// whatever state start-up is in, including Redis unreachable, when `ready()` never resolves.
const worker = TrainingWorker.create({ config, logger });
const comparisons = ComparisonWorker.create({ config, logger });

let signals = 0;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    signals += 1;
    if (signals > 1) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    logger.info({ signal }, 'stopping');
    void stop();
  });
}

/**
 * Hands active jobs back and disconnects, within `shutdownTimeoutMs` in every state: the
 * training worker bounds its own wait, and this deadline bounds everything else (a BullMQ close
 * waiting for a Redis that does not answer). A job not handed back is resumed as stalled.
 */
async function stop(): Promise<never> {
  // Half a second (at most a tenth) kept back for the exit itself, so the process is gone in time.
  const deadlineMs = config.shutdownTimeoutMs - Math.min(500, config.shutdownTimeoutMs / 10);
  const deadline = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), deadlineMs));
  const closed = Promise.all([worker.close(), comparisons.close()]).then(
    () => 'closed' as const,
    (err: unknown) => {
      logger.error({ err }, 'shutdown failed');
      return 'failed' as const;
    },
  );
  const outcome = await Promise.race([closed, deadline]);
  if (outcome === 'timeout') {
    logger.warn(
      { shutdownTimeoutMs: config.shutdownTimeoutMs },
      'shutdown timeout reached: forcing close (active jobs are resumed as stalled)',
    );
  }
  process.exit(outcome === 'failed' ? 1 : 0);
}

try {
  await Promise.all([worker.ready(), comparisons.ready(logger)]);
} catch (err) {
  if (signals === 0) {
    logger.error({ err }, 'start-up failed');
    process.exit(1);
  }
}
