import { request } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { gate, until } from '../support/fake-worker.js';
import { openEvents, type SseConnection } from '../support/sse-client.js';
import {
  admin,
  gruJob,
  reader,
  type TestApp,
  testAppsClosedAfterEach,
} from '../support/test-app.js';

const make = testAppsClosedAfterEach();
const clients: SseConnection[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.disconnect();
  vi.restoreAllMocks();
});

async function setUp(env: NodeJS.ProcessEnv = {}) {
  const t = await make({ NEWSCELL_SSE_HEARTBEAT_MS: '100', ...env });
  const base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  const id = (
    await t.app.inject({
      method: 'POST',
      url: '/v1/training-jobs',
      headers: admin,
      payload: gruJob,
    })
  ).json().id as string;
  const open = async (headers: Record<string, string>) => {
    const c = await openEvents(`${base}/v1/training-jobs/${id}/events`, headers);
    clients.push(c);
    return c;
  };
  return { t, base, id, open };
}

const connections = (t: TestApp) =>
  new Promise<number>((resolve, reject) =>
    t.app.server.getConnections((err, n) => (err ? reject(err) : resolve(n))),
  );

describe('event streams: a client that leaves early', () => {
  it('leaves nothing behind when it disconnects while the job is being read', async () => {
    const { t, base, id, open } = await setUp({ NEWSCELL_SSE_MAX_STREAMS_PER_KEY: '1' });
    // Hold the job read (the handler's await) until the client has gone.
    const reading = gate();
    const release = gate();
    const get = t.app.trainingJobs.get.bind(t.app.trainingJobs);
    const spy = vi.spyOn(t.app.trainingJobs, 'get').mockImplementationOnce(async (jobId) => {
      reading.open();
      await release.promise;
      return get(jobId);
    });
    const req = request(`${base}/v1/training-jobs/${id}/events`, { headers: reader });
    req.on('error', () => {});
    req.end();
    await reading.promise;
    expect(t.app.eventStreams.size).toBe(1);
    req.destroy();
    await until(async () => (await connections(t)) === 0);
    release.open();
    await until(async () => spy.mock.results[0]?.type === 'return');
    await new Promise((r) => setTimeout(r, 250)); // two heartbeats' time: none may start

    expect(t.app.eventStreams.size).toBe(0);
    expect(t.app.jobEvents.listenerCount()).toBe(0);
    // Its slot was given back (the per-key limit is 1).
    const next = await open(reader);
    expect(next.status).toBe(200);
    await next.waitForEvents(1);
    expect(t.app.eventStreams.size).toBe(1);
  });

  it('leaves nothing behind when it disconnects right after the snapshot', async () => {
    const { t, open } = await setUp();
    for (let i = 0; i < 5; i++) {
      const c = await open(reader);
      c.disconnect();
    }
    await until(async () => t.app.eventStreams.size === 0 && t.app.jobEvents.listenerCount() === 0);
  });
});

describe('event streams: limits', () => {
  it('caps open streams per key (NEWSCELL_SSE_MAX_STREAMS_PER_KEY), then in total (NEWSCELL_SSE_MAX_STREAMS)', async () => {
    const { t, id, open } = await setUp({
      NEWSCELL_SSE_MAX_STREAMS_PER_KEY: '2',
      NEWSCELL_SSE_MAX_STREAMS: '3',
    });
    const url = `/v1/training-jobs/${id}/events`;
    const [first] = [await open(reader), await open(reader)];
    const third = await t.app.inject({ url, headers: reader });
    expect(third.statusCode).toBe(429);
    expect(third.json().error).toMatchObject({ code: 'RATE_LIMITED' });
    expect(third.json().error.message).toContain('NEWSCELL_SSE_MAX_STREAMS_PER_KEY');

    expect((await open(admin)).status).toBe(200); // another key: its own count
    const fourth = await t.app.inject({ url, headers: admin });
    expect(fourth.statusCode).toBe(429);
    expect(fourth.json().error.message).toContain('NEWSCELL_SSE_MAX_STREAMS)');
    expect(t.app.eventStreams.size).toBe(3);

    first?.disconnect();
    await until(async () => t.app.eventStreams.size === 2);
    const again = await open(reader);
    expect(again.status).toBe(200);
    await again.waitForEvents(1);
  });

  it('gives the slot back after an error answer (404)', async () => {
    const { t } = await setUp({ NEWSCELL_SSE_MAX_STREAMS_PER_KEY: '1' });
    for (let i = 0; i < 3; i++) {
      const res = await t.app.inject({ url: '/v1/training-jobs/777/events', headers: reader });
      expect(res.statusCode).toBe(404);
    }
    expect(t.app.eventStreams.size).toBe(0);
  });

  it('without keys, counts per client address', async () => {
    const { open } = await setUp({
      NEWSCELL_ADMIN_KEYS: '',
      NEWSCELL_READ_KEYS: '',
      NEWSCELL_SSE_MAX_STREAMS_PER_KEY: '1',
    });
    expect((await open({})).status).toBe(200);
    expect((await open({})).status).toBe(429);
  });
});
