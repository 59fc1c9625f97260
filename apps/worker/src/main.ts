import { pino } from 'pino';
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
const worker = await TrainingWorker.start({ config, logger });

let signals = 0;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    signals += 1;
    if (signals > 1) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    logger.info({ signal }, 'stopping');
    worker.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
