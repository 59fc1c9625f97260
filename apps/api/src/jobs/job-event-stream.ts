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
 */
export class JobEventStream {
  private unsubscribe: (() => void) | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private response: ServerResponse | undefined;
  private pending: JobEvent[] | undefined = [];
  private ended = false;

  constructor(private readonly options: JobEventStreamOptions) {}

  /**
   * Subscribes and reads the job; throws (JOB_NOT_FOUND…) before anything was written, so the
   * caller can still answer with an error.
   */
  async open(): Promise<{ start: (response: ServerResponse) => void }> {
    const { jobId, events, jobs } = this.options;
    this.unsubscribe = events.subscribe(jobId, (event) => this.onEvent(event));
    try {
      const snapshot = await jobs.get(jobId);
      return {
        start: (response) => {
          this.response = response;
          response.on('close', () => this.close());
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
      this.pending.push(event);
      return;
    }
    if (event.type === 'progress') {
      this.write('progress', event.data);
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
    this.write(event, data);
    this.close();
  }

  private write(event: string, data: unknown): void {
    if (this.ended || this.response === undefined) return;
    this.response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private comment(text: string): void {
    if (!this.ended) this.response?.write(`: ${text}\n\n`);
  }
}
