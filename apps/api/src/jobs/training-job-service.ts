import {
  CANCELLATION_TTL_SECONDS,
  type CellType,
  cancellationChannel,
  cancellationKey,
  DEFAULT_TRAINING_JOB_OPTIONS,
  NewscellError,
  TRAINING_BUDGET_DEFAULTS,
  type TrainingBudget,
  type TrainingJobCancel,
  type TrainingJobData,
  type TrainingJobList,
  type TrainingJobState,
  type TrainingJobView,
  type TrainingResult,
} from '@newscell/contracts';
import { checkTrainingBudget, estimateTrainingCost, resolveTrainingSpec } from '@newscell/pipeline';
import type { Job, JobState, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  BULL_STATES_BY_STATE,
  compareIdsNewestFirst,
  isFinished,
  toJobView,
  viewState,
} from './job-view.js';
import { isQueueKeyName } from './queue-key-names.js';
import { orNotAJob, redisReady, withRedis } from './redis-errors.js';

export type TrainingJob = Job<TrainingJobData, TrainingResult>;

export interface ListJobsQuery {
  state?: TrainingJobState;
  cell?: CellType;
  /** @defaultValue 20 */
  limit?: number;
  /** Matching jobs to skip, newest first. @defaultValue 0 */
  offset?: number;
  /** Only jobs older than this id (the previous page's `nextCursor`). */
  cursor?: string;
}

/** Jobs loaded from Redis at once while scanning a list. */
const SCAN_CHUNK = 50;
const ALL_BULL_STATES: JobState[] = [
  'waiting',
  'delayed',
  'prioritized',
  'waiting-children',
  'active',
  'completed',
  'failed',
];

/**
 * Training jobs on the BullMQ queue, as the API shows them: add, read, list newest first, cancel.
 * Redis errors become `REDIS_UNAVAILABLE`; a missing job is `JOB_NOT_FOUND`.
 */
export class TrainingJobService {
  constructor(
    private readonly queue: Queue<TrainingJobData, TrainingResult>,
    /** The connection the queue uses, for the cancellation key and channel. */
    private readonly redis: Redis,
    private readonly prefix: string,
    /** Jobs estimated above it are refused with `LIMIT_EXCEEDED` before they reach the queue. */
    private readonly budget: TrainingBudget = TRAINING_BUDGET_DEFAULTS,
  ) {}

  /**
   * Puts a job on the queue with the project's default options (attempts, backoff, retention),
   * once its estimated memory and compute are within the budget.
   */
  async create(data: TrainingJobData): Promise<TrainingJobView> {
    checkTrainingBudget(estimateTrainingCost(resolveTrainingSpec(data)), this.budget);
    const name = data.name ?? `${data.model.cell} training`;
    const job = await this.run(() =>
      this.queue.add(name, data, { ...DEFAULT_TRAINING_JOB_OPTIONS }),
    );
    return toJobView(job, 'queued');
  }

  async get(id: string): Promise<TrainingJobView> {
    const job = await this.find(id);
    const state = viewState(await this.run(() => job.getState()), job.failedReason);
    if (state === undefined) throw notFound(id);
    return toJobView(job, state);
  }

  /** Newest first; `nextCursor` is set when more jobs match. */
  async list(query: ListJobsQuery): Promise<TrainingJobList> {
    const limit = query.limit ?? 20;
    const bullStates = query.state ? BULL_STATES_BY_STATE[query.state] : ALL_BULL_STATES;
    const stateOf = await this.bullStatesById(bullStates);
    let ids = [...stateOf.keys()].sort(compareIdsNewestFirst);
    const { cursor } = query;
    if (cursor !== undefined) ids = ids.filter((id) => compareIdsNewestFirst(id, cursor) > 0);

    // Cell and cancelled-versus-failed live in the job itself, so those filters load jobs.
    const needsLoad =
      query.cell !== undefined || query.state === 'failed' || query.state === 'cancelled';
    let skip = query.offset ?? 0;
    if (!needsLoad) {
      ids = ids.slice(skip);
      skip = 0;
    }
    const items: TrainingJobView[] = [];
    let more = false;
    for (let i = 0; i < ids.length && !more; i += SCAN_CHUNK) {
      const jobs = await this.run(() =>
        Promise.all(ids.slice(i, i + SCAN_CHUNK).map((id) => this.queue.getJob(id))),
      );
      for (const job of jobs) {
        if (job?.id === undefined) continue; // removed while we looked
        const state = viewState(stateOf.get(job.id) ?? 'unknown', job.failedReason);
        if (state === undefined) continue;
        if (query.state !== undefined && state !== query.state) continue;
        if (query.cell !== undefined && job.data.model?.cell !== query.cell) continue;
        if (skip > 0) {
          skip -= 1;
          continue;
        }
        if (items.length === limit) {
          more = true;
          break;
        }
        items.push(toJobView(job as TrainingJob, state));
      }
    }
    const last = items.at(-1);
    return { items, nextCursor: more && last ? last.id : null };
  }

  /**
   * A queued job is removed; an active one is asked to stop (cancellation key for a worker that
   * has yet to look, plus a message for the one running it). A finished job cannot be cancelled.
   */
  async cancel(id: string): Promise<TrainingJobCancel> {
    const job = await this.find(id);
    const bullState = await this.run(() => job.getState());
    const state = viewState(bullState, job.failedReason);
    if (state === undefined) throw notFound(id);
    if (isFinished(state)) {
      throw new NewscellError(
        'JOB_FINISHED',
        `Training job ${id} is already ${state}; only queued or active jobs can be cancelled`,
        { details: { id, state } },
      );
    }
    if (state === 'queued') {
      try {
        await job.remove();
        return { id, state: 'cancelled' };
      } catch {
        // A worker took it between our look and the removal (it is locked now): ask it to stop.
      }
    }
    await this.run(() =>
      this.redis
        .multi()
        .set(cancellationKey(id, this.prefix), '1', 'EX', CANCELLATION_TTL_SECONDS)
        .publish(cancellationChannel(this.prefix), JSON.stringify({ jobId: id }))
        .exec(),
    );
    return { id, state: 'cancelling' };
  }

  /** Jobs per BullMQ state, as gauges want them. */
  counts(): Promise<Record<string, number>> {
    return this.run(() => this.queue.getJobCounts(...ALL_BULL_STATES));
  }

  /** A Redis call that answers 503 at once, not never, while Redis is away. */
  private async run<T>(call: () => Promise<T>): Promise<T> {
    await redisReady(this.redis);
    return withRedis(call);
  }

  private async find(id: string): Promise<TrainingJob> {
    if (isQueueKeyName(id)) throw notFound(id);
    const job = await this.run(() => orNotAJob(this.queue.getJob(id)));
    if (job === undefined) throw notFound(id);
    return job as TrainingJob;
  }

  private async bullStatesById(states: JobState[]): Promise<Map<string, JobState>> {
    const unique = [...new Set(states)];
    const lists = await this.run(() =>
      Promise.all(unique.map((s) => this.queue.getRanges([s], 0, -1))),
    );
    const byId = new Map<string, JobState>();
    unique.forEach((s, i) => {
      for (const id of lists[i] ?? []) byId.set(id, s);
    });
    return byId;
  }
}

function notFound(id: string): NewscellError {
  return new NewscellError('JOB_NOT_FOUND', `No training job with id ${id}`, { details: { id } });
}
