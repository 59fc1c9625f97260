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

// Handlers first: a signal during start-up must stop the worker cleanly, not kill it mid-connect.
let worker: TrainingWorker | undefined;
let comparisons: ComparisonWorker | undefined;
let stopRequested = false;
let signals = 0;
const stop = (running: TrainingWorker) =>
  Promise.all([running.close(), comparisons?.close()]).then(
    () => process.exit(0),
    (err: unknown) => {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    },
  );
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    signals += 1;
    if (signals > 1) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    logger.info({ signal }, 'stopping');
    stopRequested = true;
    if (worker !== undefined) void stop(worker);
  });
}

worker = await TrainingWorker.start({ config, logger });
comparisons = await ComparisonWorker.start({ config, logger });
if (stopRequested) void stop(worker);
