import { CANCELLED_REASON_PREFIX, TrainingProgressSchema, TrainingResultSchema, } from '@newscell/contracts';
import Value from 'typebox/value';
/** The BullMQ states each API state covers (`cancelled` is a subset of `failed`). */
export const BULL_STATES_BY_STATE = {
    queued: ['waiting', 'delayed', 'prioritized', 'waiting-children'],
    active: ['active'],
    completed: ['completed'],
    failed: ['failed'],
    cancelled: ['failed'],
};
/** The API's name for a BullMQ state; `undefined` when the job is gone (`unknown`). */
export function viewState(state, failedReason) {
    switch (state) {
        case 'active':
        case 'completed':
            return state;
        case 'failed':
            return failedReason?.startsWith(CANCELLED_REASON_PREFIX) ? 'cancelled' : 'failed';
        case 'unknown':
            return undefined;
        default:
            return 'queued';
    }
}
function iso(ms) {
    return ms === undefined || ms === null || ms === 0 ? null : new Date(ms).toISOString();
}
/**
 * What the API shows of a job. Progress and result come from another process, so they are
 * checked against their schemas: anything else (BullMQ's initial `0`) shows as null.
 */
export function toJobView(job, state) {
    const progress = Value.Check(TrainingProgressSchema, job.progress)
        ? job.progress
        : null;
    const result = state === 'completed' && Value.Check(TrainingResultSchema, job.returnvalue)
        ? job.returnvalue
        : null;
    const failed = state === 'failed' || state === 'cancelled';
    return {
        id: String(job.id),
        name: job.name,
        state,
        data: job.data,
        progress,
        history: progress?.history ?? [],
        modelId: result?.modelId ?? null,
        result,
        failedReason: failed && job.failedReason ? job.failedReason : null,
        attemptsMade: job.attemptsMade,
        timestamps: {
            created: iso(job.timestamp),
            started: iso(job.processedOn),
            finished: iso(job.finishedOn),
        },
    };
}
/** True once a job will not change any more. */
export function isFinished(state) {
    return state === 'completed' || state === 'failed' || state === 'cancelled';
}
/** Newest first: BullMQ's ids count up, so compare them as numbers when they are numbers. */
export function compareIdsNewestFirst(a, b) {
    const na = Number(a);
    const nb = Number(b);
    if (Number.isSafeInteger(na) && Number.isSafeInteger(nb))
        return nb - na;
    return b < a ? -1 : b > a ? 1 : 0;
}
