// `npm test`: builds, finds or starts Redis, runs every workspace's tests through turbo and ends
// with one line `N passed, N failed` summed from the workspaces' Vitest JSON reports.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clearReports, finalLines, summarise } from './test-report.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const turbo = join(root, 'node_modules', '.bin', 'turbo');
const vitest = join(root, 'node_modules', '.bin', 'vitest');
const passThrough = process.argv.slice(2);

function run(args, env = process.env, command = turbo) {
  return spawnSync(command, args, { cwd: root, stdio: 'inherit', env }).status ?? 1;
}

if (run(['run', 'build', '--output-logs=errors-only']) !== 0) {
  console.error('build failed: no tests were run');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const { ensureRedis } = await import(join(root, 'tools/local-redis/dist/index.js'));
const redis = await ensureRedis({ mode: 'attached' });
let status;
try {
  clearReports(root);
  // Two cores: more concurrent workspaces only make the slow model tests slower.
  status = run(['run', 'test', '--continue', '--concurrency=2', ...passThrough], {
    ...process.env,
    REDIS_URL: redis.url,
  });
  // The root's own scripts (this summary among them) have tests too: scripts/test/.
  const scripts = run(
    ['run', '--config', join(root, 'scripts', 'vitest.config.mjs')],
    process.env,
    vitest,
  );
  if (status === 0) status = scripts;
} finally {
  await redis.stop();
}

const summary = finalLines(summarise(root, { scripts: true }), status);
for (const line of summary.lines) console.log(line);
process.exit(status !== 0 || summary.failed > 0 ? 1 : 0);
