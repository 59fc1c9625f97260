// `npm start`: builds, finds or starts Redis (left running for the next start; `npm run redis:stop`
// stops it), then runs the API and one worker process per core, restarting nothing on its own:
// when one of them exits, the others are stopped and `npm start` exits with its code.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const build = spawnSync(
  join(root, 'node_modules/.bin/turbo'),
  ['run', 'build', '--output-logs=errors-only'],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
if (build.status !== 0) process.exit(build.status ?? 1);

const { ensureRedis } = await import(join(root, 'tools/local-redis/dist/index.js'));
const redis = await ensureRedis({ mode: 'detached' });

const workers = Number(process.env.NEWSCELL_WORKERS ?? Math.max(1, availableParallelism() - 1));
const services = [
  { name: 'api', entry: 'apps/api/dist/server.js', needs: 'apps/api/dist/server.js', count: 1 },
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
const children = [];
let stopping = false;
for (const service of services) {
  for (let i = 0; i < service.count; i++) {
    const child = spawn(process.execPath, [join(root, service.entry)], {
      cwd: root,
      env,
      stdio: 'inherit',
    });
    children.push(child);
    child.on('exit', (code, signal) => {
      if (!stopping) {
        console.error(`newscell: ${service.name} exited (${signal ?? code}); stopping the others`);
        stop(code ?? 1);
      }
    });
  }
}

function stop(code) {
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  Promise.all(
    children.map((c) => (c.exitCode === null ? new Promise((r) => c.on('exit', r)) : null)),
  ).then(() => process.exit(code));
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
