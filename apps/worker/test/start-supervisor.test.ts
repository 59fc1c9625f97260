import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { alive, type NpmStart, removeNpmStartDir, startNpmStart } from './support/npm-start.js';
import { testRedisUrl } from './support/test-queue.js';
import { waitFor } from './support/wait-for.js';

/**
 * `npm start` as the supervisor of one machine (scripts/start.mjs, process-supervisor.mjs): a
 * killed worker comes back with backoff while the API keeps serving; an API that cannot stay up
 * stops everything; SIGTERM stops everything cleanly.
 */
describe('npm start supervises the API and the workers', () => {
  let run: NpmStart | undefined;
  const start = (env: Record<string, string> = {}) =>
    startNpmStart({
      redisUrl: testRedisUrl(),
      prefix: `test-${randomUUID().slice(0, 8)}`,
      workers: 2,
      env,
    });
  const ready = async (r: NpmStart) => {
    await waitFor(
      'the API to serve',
      async () => (await r.apiServing()) || undefined,
      90_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; output:\n${r.output().slice(-4000)}`);
    });
    await waitFor(
      'both workers to be ready',
      async () => (r.output().match(/training worker ready/g)?.length ?? 0) >= 2 || undefined,
      90_000,
    );
  };

  afterEach(async () => {
    await run?.stop();
    removeNpmStartDir(run);
    run = undefined;
  });

  it('restarts a SIGKILLed worker with growing backoff; the API and the other worker stay up', async () => {
    run = await start();
    const r = run;
    await ready(r);
    const first = r.pids().get('worker 1');
    const other = r.pids().get('worker 2');
    const api = r.pids().get('api');
    expect(first, r.output()).toBeTypeOf('number');

    process.kill(first as number, 'SIGKILL');
    await r.waitForOutput(`worker 1 (pid ${first}) exited (SIGKILL) after`);
    expect(r.output()).toMatch(
      new RegExp(
        `worker 1 \\(pid ${first}\\) exited \\(SIGKILL\\) after [\\d.]+ s; restarting in 0\\.5 s \\(exit 1 in a row\\)`,
      ),
    );
    const second = await waitFor('worker 1 to be restarted', async () => {
      const pid = r.pids().get('worker 1');
      return pid !== first ? pid : undefined;
    });
    expect(await r.apiServing()).toBe(true);

    // Killed again at once: the backoff doubles.
    await waitFor(
      'the restarted worker to be ready',
      async () => (r.output().match(/training worker ready/g)?.length ?? 0) >= 3 || undefined,
    );
    process.kill(second as number, 'SIGKILL');
    await r.waitForOutput(
      new RegExp(
        `worker 1 \\(pid ${second}\\) exited \\(SIGKILL\\) after [\\d.]+ s; restarting in 1\\.0 s \\(exit 2 in a row\\)`,
      ),
    );
    const third = await waitFor('worker 1 to be restarted again', async () => {
      const pid = r.pids().get('worker 1');
      return pid !== second ? pid : undefined;
    });
    expect(alive(third as number)).toBe(true);
    expect(r.pids().get('api')).toBe(api);
    expect(r.pids().get('worker 2')).toBe(other);
    expect(alive(api as number) && alive(other as number)).toBe(true);
    expect(await r.apiServing()).toBe(true);
    expect(r.child.exitCode).toBeNull();

    // SIGTERM stops everything and exits 0.
    const children = [...r.pids().values()];
    expect(await r.stop(), r.output()).toEqual({ code: 0, signal: null });
    for (const pid of children) expect(alive(pid), `pid ${pid}`).toBe(false);
  }, 240_000);

  it('stops everything with exit code 1 when the API cannot stay up', async () => {
    run = await start({ NEWSCELL_API_MAX_RESTARTS: '1' });
    const r = run;
    await ready(r);
    const api = r.pids().get('api') as number;
    process.kill(api, 'SIGKILL');
    const restarted = await waitFor('the API to be restarted', async () => {
      const pid = r.pids().get('api');
      return pid !== api ? pid : undefined;
    });
    await waitFor('the restarted API to serve', async () => (await r.apiServing()) || undefined);
    const workers = [r.pids().get('worker 1'), r.pids().get('worker 2')] as number[];
    process.kill(restarted as number, 'SIGKILL');
    const exit = await Promise.race([
      r.exited,
      new Promise((resolve) => setTimeout(() => resolve('still running'), 90_000)),
    ]);
    expect(exit, r.output()).toEqual({ code: 1, signal: null });
    expect(r.output()).toMatch(
      /api \(pid \d+\) exited \(SIGKILL\) 2 times in a row.*cannot stay up/,
    );
    for (const pid of workers) expect(alive(pid), `worker pid ${pid}`).toBe(false);
  }, 240_000);
});
