import { isFinished } from './job-view.js';
/**
 * One client watching one job over Server-Sent Events: `snapshot` (the job view) first, then
 * `progress` (the worker's report) as it trains, then `completed`, `failed` or `cancelled` (the
 * final view) and the stream ends; `removed` when a queued job was removed. Subscribes before
 * reading the snapshot, so no event falls between the two.
 */
export class JobEventStream {
    options;
    unsubscribe;
    heartbeat;
    response;
    pending = [];
    ended = false;
    constructor(options) {
        this.options = options;
    }
    /**
     * Subscribes and reads the job; throws (JOB_NOT_FOUND…) before anything was written, so the
     * caller can still answer with an error.
     */
    async open() {
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
                    for (const event of queued)
                        this.onEvent(event);
                },
            };
        }
        catch (error) {
            this.close();
            throw error;
        }
    }
    /** Stops listening and ends the response (client gone, job over, or the server closing). */
    close() {
        if (this.heartbeat !== undefined)
            clearInterval(this.heartbeat);
        this.heartbeat = undefined;
        this.unsubscribe?.();
        this.unsubscribe = undefined;
        this.ended = true;
        if (this.response !== undefined && !this.response.writableEnded)
            this.response.end();
    }
    onEvent(event) {
        if (this.ended)
            return;
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
        this.options.jobs.get(this.options.jobId).then((view) => {
            if (isFinished(view.state))
                this.end(view.state, view);
        }, (error) => {
            this.options.onError(error);
            this.close();
        });
    }
    end(event, data) {
        this.write(event, data);
        this.close();
    }
    write(event, data) {
        if (this.ended || this.response === undefined)
            return;
        this.response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    }
    comment(text) {
        if (!this.ended)
            this.response?.write(`: ${text}\n\n`);
    }
}
