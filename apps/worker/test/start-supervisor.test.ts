import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainingJobData, TrainingProgress, TrainingResult } from '@newscell/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { FULL_FAULTS, recordFaultResult } from './support/fault-mode.js';
import { alive, type NpmStart, removeNpmStartDir, startNpmStart } from './support/npm-start.js';
import { openTestQueue, type TestQueue, testRedisUrl } from './support/test-queue.js';
import { waitFor } from './support/wait-for.js';

/** Worker kills in the job-survival test: three in `npm run test:faults`, one in the short form. */
const KILLS = FULL_FAULTS ? 3 : 1;
/** Two epochs per kill plus two: each kill lands in an even epoch, well after its checkpoint. */
const EPOCHS = 2 * KILLS + 2;
/** A small LSTM on 6,000 rows: ~340 batches, one to a few seconds an epoch here. */
const LONG_JOB: TrainingJobData = {
  model: { cell: 'lstm', embeddingDim: 32, hiddenUnits: 32, bidirectional: false },
  training: { epochs: EPOCHS, batchSize: 16, patience: 0 },
  data: { trainPerClass: 1500, testPerClass: 20 },
  tokenizer: { maxLength: 32 },
  embeddings: { source: 'random' },
};

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

  it(`a job survives ${KILLS} worker SIGKILL(s) mid-epoch under npm start: completes once, at most the interrupted epoch redone per kill`, async () => {
    let q: TestQueue | undefined;
    try {
      q = await openTestQueue();
      const queue = q;
      run = await startNpmStart({
        redisUrl: testRedisUrl(),
        prefix: queue.prefix,
        workers: 2,
        env: {
          WORKER_LOCK_DURATION_MS: '3000',
          WORKER_STALLED_INTERVAL_MS: '2000',
          WORKER_MAX_STALLED_COUNT: '10',
        },
      });
      const r = run;
      await ready(r);
      const completions: string[] = [];
      queue.events.on('completed', ({ jobId }) => completions.push(jobId));
      const job = await queue.queue.add('train', LONG_JOB);
      const jobId = String(job.id);
      const progressOf = async () =>
        ((await queue.queue.getJob(jobId))?.progress ?? {}) as Partial<TrainingProgress>;
      const resumeLines = async () =>
        (await queue.queue.getJobLogs(jobId)).logs.filter((l) =>
          l.startsWith('resuming from the checkpoint after epoch'),
        );
      /** The pid of the worker process that last logged `training started` for the job. */
      const trainingPid = () => {
        let pid: number | undefined;
        for (const line of r.output().split('\n')) {
          if (!line.startsWith('{') || !line.includes('"training started"')) continue;
          const entry = JSON.parse(line) as { jobId?: string; pid?: number };
          if (entry.jobId === jobId) pid = entry.pid;
        }
        return pid;
      };
      const kills: {
        epochInProgress: number;
        batch: number;
        resumedAfterEpoch: number;
        epochsRedone: number;
        stallSeconds: number;
      }[] = [];
      for (let k = 0; k < KILLS; k++) {
        const target = 2 * (k + 1);
        const at = await waitFor(
          `epoch ${target} to be a third done`,
          async () => {
            const p = await progressOf();
            return p.phase === 'training' &&
              p.epoch === target &&
              (p.batch ?? 0) >= (p.batches ?? 1) / 3
              ? p
              : undefined;
          },
          180_000,
        );
        const pid = trainingPid();
        expect(pid, r.output().slice(-3000)).toBeTypeOf('number');
        const before = (await resumeLines()).length;
        const killedAt = Date.now();
        process.kill(pid as number, 'SIGKILL');
        const line = await waitFor(
          'the job to be resumed',
          async () => (await resumeLines())[before],
          180_000,
        );
        const resumedAfterEpoch = Number(/after epoch (\d+)/.exec(line)?.[1]);
        // The stall: from the kill to training again (lock expiry, stalled check, data, model).
        await waitFor(
          'training to continue',
          async () => {
            const p = await progressOf();
            return p.phase === 'training' && (p.batch ?? 0) > 0 && (p.epoch ?? 0) >= target
              ? true
              : undefined;
          },
          180_000,
        );
        kills.push({
          epochInProgress: target,
          batch: at.batch ?? 0,
          resumedAfterEpoch,
          // Finished epochs trained again because of this kill (the interrupted one is partial).
          epochsRedone: target - 1 - resumedAfterEpoch,
          stallSeconds: (Date.now() - killedAt) / 1000,
        });
      }
      const result = (await job.waitUntilFinished(queue.events, 300_000)) as TrainingResult;
      const done = await queue.queue.getJob(jobId);
      const { logs } = await queue.queue.getJobLogs(jobId);
      recordFaultResult('worker SIGKILL under npm start', {
        kills,
        epochs: result.epochs,
        resumedFromEpoch: result.resumedFromEpoch,
        attemptsMade: done?.attemptsMade,
        secondsFromAddToCompletion: ((done?.finishedOn ?? 0) - job.timestamp) / 1000,
      });
      for (const kill of kills) expect(kill.epochsRedone, JSON.stringify(kills)).toBe(0);
      expect(result.epochs).toBe(EPOCHS);
      expect((done?.progress as TrainingProgress | undefined)?.history.map((h) => h.epoch)).toEqual(
        Array.from({ length: EPOCHS }, (_, i) => i + 1),
      );
      expect(
        logs.filter((l) => l.startsWith('saved model')),
        logs.join('\n'),
      ).toHaveLength(1);
      expect(await resumeLines()).toHaveLength(KILLS);
      const modelsDir = join(r.dir, 'models');
      expect(existsSync(modelsDir) ? readdirSync(modelsDir) : []).toEqual([result.modelId]);
      await waitFor('the completed event', async () => (completions.length > 0 ? true : undefined));
      expect(completions).toEqual([jobId]);
      expect(await r.apiServing()).toBe(true);
    } finally {
      await run?.stop();
      await q?.close();
    }
  }, 900_000);
});
