import { describe, expect, it } from 'vitest';
import { resultFor, startWorker, until } from '../support/fake-worker.js';
import { admin, gruJob, type TestApp, testAppsClosedAfterEach } from '../support/test-app.js';

const make = testAppsClosedAfterEach();
const board = '/admin/queues/api/queues';

/** A waiting job, a failed one and a completed one, the way a worker would leave them. */
async function arrange(t: TestApp) {
  const w = await startWorker(t.prefix, async (job) => {
    if (job.name === 'failed') throw new Error('boom');
    return resultFor('m');
  });
  const failed = await t.queue.add('failed', gruJob);
  const completed = await t.queue.add('completed', gruJob);
  await until(async () => (await t.queue.getJobCounts('failed', 'completed')).completed === 1);
  await until(async () => (await t.queue.getJobCounts('failed')).failed === 1);
  await w.close();
  const waiting = await t.queue.add('waiting', gruJob);
  return { waiting, failed, completed };
}

/** The board's queue-changing actions, on the arranged jobs. */
function actions(ids: { waiting: string; failed: string }) {
  return [
    {
      method: 'POST' as const,
      url: `${board}/training/add`,
      payload: { name: 'evil', data: gruJob, options: { jobId: '../../etc/passwd' } },
    },
    { method: 'PUT' as const, url: `${board}/training/retry/failed` },
    { method: 'PUT' as const, url: `${board}/training/${ids.failed}/retry` },
    { method: 'PUT' as const, url: `${board}/training/${ids.waiting}/clean` },
    { method: 'PUT' as const, url: `${board}/training/clean/completed` },
    { method: 'PUT' as const, url: `${board}/training/empty` },
    { method: 'PUT' as const, url: `${board}/training/obliterate` },
    { method: 'PUT' as const, url: `${board}/training/pause` },
    { method: 'PUT' as const, url: `${board}/pause` },
    { method: 'PATCH' as const, url: `${board}/training/${ids.waiting}/update-data`, payload: {} },
  ];
}

async function jobStates(t: TestApp): Promise<Record<string, number>> {
  return t.queue.getJobCounts('waiting', 'failed', 'completed');
}

describe('bull-board', () => {
  it('is read-only by default: add, retry, clean, remove and the rest answer 403, nothing changes', async () => {
    const t = await make();
    const jobs = await arrange(t);
    const before = await jobStates(t);
    expect(before).toMatchObject({ waiting: 1, failed: 1, completed: 1 });
    const ids = { waiting: jobs.waiting.id as string, failed: jobs.failed.id as string };
    for (const action of actions(ids)) {
      const res = await t.app.inject({ ...action, headers: admin });
      expect(res.statusCode, `${action.method} ${action.url}`).toBe(403);
      expect(res.json().error).toMatchObject({ code: 'FORBIDDEN' });
      expect(res.json().error.message).toContain('NEWSCELL_BULL_BOARD_WRITE=true');
    }
    expect(await jobStates(t)).toEqual(before);
    expect(await t.queue.getJob('../../etc/passwd')).toBeUndefined();
    expect(await t.queue.isPaused()).toBe(false);
  });

  it('still shows queues and jobs, and tells the page it is read-only', async () => {
    const t = await make();
    await arrange(t);
    const page = await t.app.inject({ url: '/admin/queues', headers: admin });
    expect(page.statusCode).toBe(200);
    const res = await t.app.inject({ url: `${board}?activeQueue=training`, headers: admin });
    expect(res.statusCode).toBe(200);
    const [queue] = res.json().queues;
    expect(queue).toMatchObject({ name: 'training', readOnlyMode: true, allowRetries: false });
  });

  it('asks for the admin key before saying it is read-only', async () => {
    const t = await make();
    const res = await t.app.inject({ method: 'PUT', url: `${board}/training/retry/failed` });
    expect(res.statusCode).toBe(401);
  });

  it('changes the queue when NEWSCELL_BULL_BOARD_WRITE=true', async () => {
    const t = await make({ NEWSCELL_BULL_BOARD_WRITE: 'true' });
    const jobs = await arrange(t);
    const add = await t.app.inject({
      method: 'POST',
      url: `${board}/training/add`,
      headers: admin,
      payload: { name: 'added', data: gruJob, options: { jobId: 'from-the-board' } },
    });
    expect(add.statusCode).toBe(200);
    expect(await t.queue.getJob('from-the-board')).toBeDefined();
    const retry = await t.app.inject({
      method: 'PUT',
      url: `${board}/training/${jobs.failed.id}/retry`,
      headers: admin,
    });
    expect(retry.statusCode).toBe(204);
    expect(await t.queue.getJobCounts('failed')).toEqual({ failed: 0 });
  });
});
