/**
 * Fans one shared BullMQ `QueueEvents` out to per-job listeners, so a thousand watchers cost one
 * blocking Redis connection and four listeners on it, not a thousand of each.
 */
export class JobEvents {
    queueEvents;
    listeners = new Map();
    detach;
    constructor(queueEvents) {
        this.queueEvents = queueEvents;
        const onProgress = ({ jobId, data }) => this.emit(jobId, { type: 'progress', data });
        const onCompleted = ({ jobId }) => this.emit(jobId, { type: 'completed' });
        const onFailed = ({ jobId, failedReason }) => this.emit(jobId, { type: 'failed', failedReason });
        const onRemoved = ({ jobId }) => this.emit(jobId, { type: 'removed' });
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
    subscribe(jobId, listener) {
        let set = this.listeners.get(jobId);
        if (set === undefined) {
            set = new Set();
            this.listeners.set(jobId, set);
        }
        set.add(listener);
        return () => {
            const current = this.listeners.get(jobId);
            if (current === undefined)
                return;
            current.delete(listener);
            if (current.size === 0)
                this.listeners.delete(jobId);
        };
    }
    /** Listeners on one job, or on all jobs. */
    listenerCount(jobId) {
        if (jobId !== undefined)
            return this.listeners.get(jobId)?.size ?? 0;
        let total = 0;
        for (const set of this.listeners.values())
            total += set.size;
        return total;
    }
    /** Detaches from the queue events and closes their connection. */
    async close() {
        this.detach();
        this.listeners.clear();
        await this.queueEvents.close();
    }
    emit(jobId, event) {
        const set = this.listeners.get(jobId);
        if (set === undefined)
            return;
        for (const listener of [...set])
            listener(event);
    }
}
