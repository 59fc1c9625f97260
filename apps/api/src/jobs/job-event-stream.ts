import type { ServerResponse } from 'node:http';
import type { JobEvent, JobEvents } from './job-events.js';
import { isFinished } from './job-view.js';
import type { TrainingJobService } from './training-job-service.js';

export interface JobEventStreamOptions {
  jobId: string;
  jobs: TrainingJobService;
  events: JobEvents;
  /** Time between heartbeat comments that keep proxies from closing a quiet stream. */
  heartbeatMs: number;
  onError: (error: unknown) => void;
}

/**
 * One client watching one job over Server-Sent Events: `snapshot` (the job view) first, then
 * `progress` (the worker's report) as it trains, then `completed`, `failed` or `cancelled` (the
 * final view) and the stream ends; `removed` when a queued job was removed. Subscribes before
 * reading the snapshot, so no event falls between the two.
 *
 * Backpressure: once the socket's buffer is full (`write` returns false) nothing more is queued
 * on it until it drains: progress reports are coalesced (only the latest is kept and sent on
 * 'drain', each one is a complete picture), heartbeats are skipped; the final event is always
 * written. So a client that reads slowly costs at most one buffer, never a growing queue.
 */
export class JobEventStream {
  private unsubscribe: (() => void) | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private response: ServerResponse | undefined;
  private pending: JobEvent[] | undefined = [];
  private ended = false;
  /** The socket's buffer is full: wait for 'drain' before writing more. */
  private congested = false;
  /** The latest progress report held back while congested. */
  private heldProgress: { data: unknown } | undefined;

  constructor(private readonly options: JobEventStreamOptions) {}

  /**
   * Subscribes and reads the job; throws (JOB_NOT_FOUND…) before anything was written, so the
   * caller can still answer with an error.
   */
  async open(): Promise<{ start: (response: ServerResponse) => void }> {
    const { jobId, events, jobs } = this.options;
    if (this.ended) {
      // Closed before it opened (the client left first): subscribe to nothing, answer nothing.
      return {
        start: (response) => {
          this.response = response;
          this.close();
        },
      };
    }
    this.unsubscribe = events.subscribe(jobId, (event) => this.onEvent(event));
    try {
      const snapshot = await jobs.get(jobId);
      return {
        start: (response) => {
          this.response = response;
          if (this.ended) {
            // Closed while the job was read (server shutting down): answer nothing more.
            if (!response.writableEnded) response.end();
            return;
          }
          response.on('close', () => this.close());
          response.on('drain', () => this.drained());
          this.write('snapshot', snapshot);
          if (isFinished(snapshot.state)) {
            this.end(snapshot.state, snapshot);
            return;
          }
          this.heartbeat = setInterval(() => this.comment('heartbeat'), this.options.heartbeatMs);
          const queued = this.pending ?? [];
          this.pending = undefined;
          for (const event of queued) this.onEvent(event);
        },
      };
    } catch (error) {
      this.close();
      throw error;
    }
  }

  /** Stops listening and ends the response (client gone, job over, or the server closing). */
  close(): void {
    if (this.heartbeat !== undefined) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.ended = true;
    if (this.response !== undefined && !this.response.writableEnded) this.response.end();
  }

  private onEvent(event: JobEvent): void {
    if (this.ended) return;
    if (this.pending !== undefined) {
      // Before the snapshot is out: only the latest progress matters.
      if (event.type === 'progress')
        this.pending = this.pending.filter((e) => e.type !== 'progress');
      this.pending.push(event);
      return;
    }
    if (event.type === 'progress') {
      if (this.congested) this.heldProgress = { data: event.data };
      else this.write('progress', event.data);
      return;
    }
    if (event.type === 'removed') {
      this.end('removed', { id: this.options.jobId });
      return;
    }
    // A failed attempt with retries left goes back to the queue: only a final state ends the stream.
    this.options.jobs.get(this.options.jobId).then(
      (view) => {
        if (isFinished(view.state)) this.end(view.state, view);
      },
      (error: unknown) => {
        this.options.onError(error);
        this.close();
      },
    );
  }

  private end(event: string, data: unknown): void {
    // The final view carries the latest progress: a held one need not go first.
    this.heldProgress = undefined;
    this.write(event, data);
    this.close();
  }

  private drained(): void {
    this.congested = false;
    const held = this.heldProgress;
    this.heldProgress = undefined;
    if (held !== undefined) this.write('progress', held.data);
  }

  private write(event: string, data: unknown): void {
    this.send(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private comment(text: string): void {
    // A heartbeat only keeps a quiet connection open; a full buffer says it is not quiet.
    if (!this.congested) this.send(`: ${text}\n\n`);
  }

  private send(chunk: string): void {
    if (this.ended || this.response === undefined) return;
    if (!this.response.write(chunk)) this.congested = true;
  }
}
