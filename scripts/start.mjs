// `npm start`: builds, finds or starts Redis (left running for the next start; `npm run redis:stop`
// stops it), then runs the API and one worker process per core under a supervisor
// (scripts/process-supervisor.mjs): a process that exits is restarted with exponential backoff
// (logged, with pids); everything stops on SIGINT/SIGTERM (exit 0) or when the API keeps exiting
// (exit 1). `NEWSCELL_START_SKIP_BUILD=1` skips the build (tests, the fault suite).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { superviseProcesses, supervisorSettings } from './process-supervisor.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let settings;
try {
  settings = supervisorSettings();
} catch (error) {
  console.error(`newscell: ${error.message}`);
  process.exit(1);
}
if (process.env.NEWSCELL_START_SKIP_BUILD !== '1') {
  const build = spawnSync(
    join(root, 'node_modules/.bin/turbo'),
    ['run', 'build', '--output-logs=errors-only'],
    { cwd: root, stdio: 'inherit' },
  );
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const { ensureRedis } = await import(join(root, 'tools/local-redis/dist/index.js'));
const redis = await ensureRedis({ mode: 'detached' });

const workers = Number(process.env.NEWSCELL_WORKERS ?? Math.max(1, availableParallelism() - 1));
const services = [
  // Critical: when the API cannot stay up, nothing else is worth running.
  {
    name: 'api',
    entry: 'apps/api/dist/server.js',
    needs: 'apps/api/dist/server.js',
    count: 1,
    critical: true,
  },
  // The worker runs once its training processor exists (apps/worker, work in progress).
  {
    name: 'worker',
    entry: 'apps/worker/dist/main.js',
    needs: 'apps/worker/dist/processor.js',
    count: workers,
  },
].filter((service) => existsSync(join(root, service.needs)));
for (const name of ['api', 'worker']) {
  if (!services.some((service) => service.name === name))
    console.error(`newscell: no ${name} to start yet`);
}

const env = { ...process.env, REDIS_URL: redis.url };
const supervisor = superviseProcesses({
  services: services.map((service) => ({ ...service, entry: join(root, service.entry) })),
  env,
  cwd: root,
  settings,
});
let signals = 0;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    signals += 1;
    if (signals === 1) {
      console.error(`newscell: ${signal}: stopping the API and the workers`);
      void supervisor.stop(0);
    } else {
      console.error(`newscell: second ${signal}: killing them`);
      supervisor.kill();
    }
  });
}
process.exit(await supervisor.done);
