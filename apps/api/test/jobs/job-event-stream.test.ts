import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { QueueEvents } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { JobEventStream } from '../../src/jobs/job-event-stream.js';
import { JobEvents } from '../../src/jobs/job-events.js';
import type { TrainingJobService } from '../../src/jobs/training-job-service.js';

/** A response whose socket buffer the test fills and drains. */
class SlowResponse extends EventEmitter {
  chunks: string[] = [];
  full = false;
  writableEnded = false;
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return !this.full;
  }
  end(): void {
    this.writableEnded = true;
  }
  drain(): void {
    this.full = false;
    this.emit('drain');
  }
  events(): string[] {
    return this.chunks.map((c) =>
      c.startsWith(':') ? 'heartbeat' : (/^event: (.*)$/m.exec(c)?.[1] ?? '?'),
    );
  }
}

const queueEvents = new EventEmitter();
const jobEvents = new JobEvents(queueEvents as unknown as QueueEvents);
let state = 'active';
const jobs = {
  get: async (id: string) => ({ id, state }),
} as unknown as TrainingJobService;
const streams: JobEventStream[] = [];
afterEach(() => {
  for (const s of streams.splice(0)) s.close();
  state = 'active';
});

async function started(heartbeatMs = 60_000) {
  const stream = new JobEventStream({
    jobId: '1',
    jobs,
    events: jobEvents,
    heartbeatMs,
    onError: () => {},
  });
  streams.push(stream);
  const { start } = await stream.open();
  const response = new SlowResponse();
  start(response as unknown as ServerResponse);
  return { stream, response };
}

const progress = (epoch: number) => queueEvents.emit('progress', { jobId: '1', data: { epoch } });

describe('JobEventStream backpressure', () => {
  it('writes every progress report while the client keeps up', async () => {
    const { response } = await started();
    for (let epoch = 1; epoch <= 5; epoch++) progress(epoch);
    expect(response.events()).toEqual(['snapshot', ...Array(5).fill('progress')]);
  });

  it('holds back all but the latest progress while the buffer is full, sends it on drain', async () => {
    const { response } = await started();
    response.full = true;
    progress(1); // written; the buffer says it is full
    for (let epoch = 2; epoch <= 1000; epoch++) progress(epoch);
    expect(response.chunks).toHaveLength(2); // snapshot, epoch 1: nothing queued beyond
    response.drain();
    expect(response.chunks).toHaveLength(3);
    expect(response.chunks[2]).toContain('"epoch":1000');
    progress(1001);
    expect(response.chunks[3]).toContain('"epoch":1001');
  });

  it('skips heartbeats while the buffer is full', async () => {
    const { response } = await started(10);
    response.full = true;
    progress(1);
    await new Promise((r) => setTimeout(r, 60));
    expect(response.events()).toEqual(['snapshot', 'progress']);
    response.drain();
    await new Promise((r) => setTimeout(r, 30));
    expect(response.events()).toContain('heartbeat');
  });

  it('always writes the final event, then ends', async () => {
    const { response } = await started();
    response.full = true;
    progress(1);
    progress(2);
    state = 'completed';
    queueEvents.emit('completed', { jobId: '1' });
    await new Promise((r) => setTimeout(r, 10));
    expect(response.events()).toEqual(['snapshot', 'progress', 'completed']);
    expect(response.writableEnded).toBe(true);
    expect(jobEvents.listenerCount()).toBe(0);
  });

  it('closed before it opened (the client left first), subscribes to nothing', async () => {
    const stream = new JobEventStream({
      jobId: '1',
      jobs,
      events: jobEvents,
      heartbeatMs: 10,
      onError: () => {},
    });
    stream.close();
    const { start } = await stream.open();
    expect(jobEvents.listenerCount()).toBe(0);
    const response = new SlowResponse();
    start(response as unknown as ServerResponse);
    expect(response.chunks).toEqual([]);
    expect(response.writableEnded).toBe(true);
  });

  it('started after close() (server shutting down while the job was read), ends at once', async () => {
    const stream = new JobEventStream({
      jobId: '1',
      jobs,
      events: jobEvents,
      heartbeatMs: 10,
      onError: () => {},
    });
    const opening = stream.open();
    stream.close();
    const { start } = await opening;
    const response = new SlowResponse();
    start(response as unknown as ServerResponse);
    await new Promise((r) => setTimeout(r, 40));
    expect(response.chunks).toEqual([]);
    expect(response.writableEnded).toBe(true);
    expect(jobEvents.listenerCount()).toBe(0);
  });
});
