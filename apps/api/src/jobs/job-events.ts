import type { QueueEvents } from 'bullmq';

/** What happened to one job, as the queue's event stream tells it. */
export type JobEvent =
  | { type: 'progress'; data: unknown }
  | { type: 'completed' }
  | { type: 'failed'; failedReason: string }
  | { type: 'removed' };

export type JobEventListener = (event: JobEvent) => void;

/**
 * Fans one shared BullMQ `QueueEvents` out to per-job listeners, so a thousand watchers cost one
 * blocking Redis connection and four listeners on it, not a thousand of each.
 */
export class JobEvents {
  private readonly listeners = new Map<string, Set<JobEventListener>>();
  private readonly detach: () => void;

  constructor(readonly queueEvents: QueueEvents) {
    const onProgress = ({ jobId, data }: { jobId: string; data: unknown }) =>
      this.emit(jobId, { type: 'progress', data });
    const onCompleted = ({ jobId }: { jobId: string }) => this.emit(jobId, { type: 'completed' });
    const onFailed = ({ jobId, failedReason }: { jobId: string; failedReason: string }) =>
      this.emit(jobId, { type: 'failed', failedReason });
    const onRemoved = ({ jobId }: { jobId: string }) => this.emit(jobId, { type: 'removed' });
    queueEvents.on('progress', onProgress);
    queueEvents.on('completed', onCompleted);
    queueEvents.on('failed', onFailed);
    queueEvents.on('removed', onRemoved);
    this.detach = () => {
      queueEvents.off('progress', onProgress);
      queueEvents.off('completed', onCompleted);
      queueEvents.off('failed', onFailed);
      queueEvents.off('removed', onRemoved);
    };
  }

  /** Calls `listener` for every event of `jobId` until the returned function is called. */
  subscribe(jobId: string, listener: JobEventListener): () => void {
    let set = this.listeners.get(jobId);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(jobId, set);
    }
    set.add(listener);
    return () => {
      const current = this.listeners.get(jobId);
      if (current === undefined) return;
      current.delete(listener);
      if (current.size === 0) this.listeners.delete(jobId);
    };
  }

  /** Listeners on one job, or on all jobs. */
  listenerCount(jobId?: string): number {
    if (jobId !== undefined) return this.listeners.get(jobId)?.size ?? 0;
    let total = 0;
    for (const set of this.listeners.values()) total += set.size;
    return total;
  }

  /** Detaches from the queue events and closes their connection. */
  async close(): Promise<void> {
    this.detach();
    this.listeners.clear();
    await this.queueEvents.close();
  }

  private emit(jobId: string, event: JobEvent): void {
    const set = this.listeners.get(jobId);
    if (set === undefined) return;
    for (const listener of [...set]) listener(event);
  }
}
