import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { disagreements } from '@newscell/comparison';
import {
  CANCELLATION_TTL_SECONDS,
  type CellType,
  COMPARISON_QUEUE_NAME,
  type ComparisonCancel,
  type ComparisonJobData,
  type ComparisonList,
  type ComparisonRequest,
  type ComparisonSummary,
  ComparisonSummarySchema,
  type ComparisonView,
  cancellationChannel,
  cancellationKey,
  comparisonCancellationKey,
  comparisonTag,
  DEFAULT_TRAINING_JOB_OPTIONS,
  isNewscellError,
  NewscellError,
  seedTag,
  TRAINING_BUDGET_DEFAULTS,
  TRAINING_QUEUE_NAME,
  type TrainingBudget,
  type TrainingJobData,
  type TrainingResult,
} from '@newscell/contracts';
import { readPredictions } from '@newscell/models';
import {
  checkComparisonBudget,
  estimateTrainingCost,
  resolveTrainingSpec,
} from '@newscell/pipeline';
import type { FlowProducer, Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import Value from 'typebox/value';
import { compareIdsNewestFirst, isFinished, toJobView, viewState } from '../jobs/job-view.js';
import { isQueueKeyName } from '../jobs/queue-key-names.js';
import { orNotAJob, redisReady, withRedis } from '../jobs/redis-errors.js';
import type { TestTextCache } from './test-texts.js';

type ComparisonJob = Job<ComparisonJobData, ComparisonSummary>;

/** The training job of one (cell, seed): every shared setting, plus the seed as both seeds. */
export function childJobData(id: string, request: ComparisonRequest, cell: CellType, seed: number) {
  const name = `${request.name ?? `comparison ${id}`} · ${cell} seed ${seed}`;
  const data: TrainingJobData = {
    name: name.slice(0, 120),
    tags: [comparisonTag(id), seedTag(seed)],
    model: { ...request.model, cell },
    training: { ...request.training, seed },
    data: { ...request.data, seed },
  };
  if (request.tokenizer !== undefined) data.tokenizer = request.tokenizer;
  if (request.embeddings !== undefined) data.embeddings = request.embeddings;
  return data;
}

/** Newest-first sortable ids: a fixed-width time part, then randomness. */
function newComparisonId(): string {
  return `cmp-${Date.now().toString(36).padStart(9, '0')}-${randomBytes(3).toString('hex')}`;
}

/**
 * Matched comparison runs as BullMQ flows: a parent on the `comparisons` queue whose children
 * are trainings on the `training` queue. A failed or cancelled child does not fail the parent
 * (`ignoreDependencyOnFailure`): the parent's summary lists it.
 */
export class ComparisonService {
  constructor(
    private readonly deps: {
      flows: FlowProducer;
      comparisons: Queue<ComparisonJobData, ComparisonSummary>;
      training: Queue<TrainingJobData, TrainingResult>;
      redis: Redis;
      prefix: string;
      modelsDir: string;
      testTexts: TestTextCache;
      /** @defaultValue `TRAINING_BUDGET_DEFAULTS` */
      budget?: TrainingBudget;
    },
  ) {}

  /**
   * Starts the flow once every child's estimate is within the per-job budget and their sum
   * within `maxComparisonGflop` (`LIMIT_EXCEEDED` naming the child or the total otherwise).
   */
  async create(request: ComparisonRequest): Promise<ComparisonView> {
    const id = newComparisonId();
    checkComparisonBudget(
      request.seeds.flatMap((seed) =>
        request.cells.map((cell) => ({
          label: `comparison child ${cell} seed ${seed}`,
          estimate: estimateTrainingCost(
            resolveTrainingSpec(childJobData(id, request, cell, seed)),
          ),
        })),
      ),
      this.deps.budget ?? TRAINING_BUDGET_DEFAULTS,
    );
    const { prefix } = this.deps;
    await this.run(() =>
      this.deps.flows.add({
        name: request.name ?? `comparison ${id}`,
        queueName: COMPARISON_QUEUE_NAME,
        data: { id, request },
        prefix,
        opts: {
          jobId: id,
          removeOnComplete: DEFAULT_TRAINING_JOB_OPTIONS.removeOnComplete,
          removeOnFail: DEFAULT_TRAINING_JOB_OPTIONS.removeOnFail,
        },
        children: request.seeds.flatMap((seed) =>
          request.cells.map((cell) => {
            const data = childJobData(id, request, cell, seed);
            return {
              name: data.name as string,
              queueName: TRAINING_QUEUE_NAME,
              data,
              prefix,
              opts: { ...DEFAULT_TRAINING_JOB_OPTIONS, ignoreDependencyOnFailure: true },
            };
          }),
        ),
      }),
    );
    return this.get(id);
  }

  async get(id: string): Promise<ComparisonView> {
    const job = await this.find(id);
    return this.view(job);
  }

  /** Newest first, at most `limit`. */
  async list(limit = 20): Promise<ComparisonList> {
    const ids = await this.run(() =>
      this.deps.comparisons.getRanges(
        ['waiting-children', 'waiting', 'active', 'completed', 'failed'],
        0,
        -1,
      ),
    );
    const newest = [...new Set(ids)].sort(compareIdsNewestFirst).slice(0, limit);
    const items: ComparisonView[] = [];
    for (const id of newest) {
      const job = await this.run(() => this.deps.comparisons.getJob(id));
      if (job !== undefined) items.push(await this.view(job as ComparisonJob));
    }
    return { items };
  }

  /**
   * Marks every unfinished child cancelled (a worker that takes a queued child stops it at once)
   * and tells the workers running the active ones; the parent then summarises what finished and
   * reports the comparison as cancelled.
   */
  async cancel(id: string): Promise<ComparisonCancel> {
    const view = await this.get(id);
    if (view.state !== 'running') {
      throw new NewscellError(
        'JOB_FINISHED',
        `Comparison ${id} is already ${view.state}; only a running comparison can be cancelled`,
        { details: { id, state: view.state } },
      );
    }
    const open = view.children.filter((c) => !isFinished(c.job.state));
    const { prefix, redis } = this.deps;
    const multi = redis
      .multi()
      .set(comparisonCancellationKey(id, prefix), '1', 'EX', CANCELLATION_TTL_SECONDS);
    for (const child of open) {
      multi
        .set(cancellationKey(child.job.id, prefix), '1', 'EX', CANCELLATION_TTL_SECONDS)
        .publish(cancellationChannel(prefix), JSON.stringify({ jobId: child.job.id }));
    }
    await this.run(() => multi.exec());
    return { id, state: 'cancelling', children: open.length };
  }

  /** Test items where cells `a` and `b` of one seed disagree, with text and probabilities. */
  async disagreements(
    id: string,
    query: { a: CellType; b: CellType; seed: number; offset: number; limit: number },
  ) {
    const view = await this.get(id);
    const children = [query.a, query.b].map((cell) => {
      const child = view.children.find((c) => c.cell === cell && c.seed === query.seed);
      if (child === undefined) {
        throw new NewscellError(
          'INVALID_ARGUMENT',
          `comparison ${id} has no ${cell} training with seed ${query.seed} (cells ${view.cells.join(', ')}, seeds ${view.seeds.join(', ')})`,
          { details: { field: 'a/b/seed', value: `${cell}/${query.seed}` } },
        );
      }
      return child;
    });
    const ids = children.map(({ cell, job }) => {
      if (job.modelId === null) {
        throw new NewscellError(
          'MODEL_NOT_FOUND',
          `the ${cell} training of seed ${query.seed} (job ${job.id}) is ${job.state}: it has no model yet`,
          { details: { jobId: job.id, state: job.state } },
        );
      }
      return job.modelId;
    });
    // Messages name models by id: the registry's place on this machine is not the client's business.
    const [idA, idB] = ids as [string, string];
    const dirA = join(this.deps.modelsDir, idA);
    // A model deleted since its training: the comparison and its summary stay readable; only
    // the items it disagrees on are gone with it.
    const predictionsOf = (modelId: string) =>
      readPredictions(join(this.deps.modelsDir, modelId)).catch((error: unknown) => {
        if (isNewscellError(error) && error.code === 'MODEL_NOT_FOUND') {
          throw new NewscellError(
            'MODEL_NOT_FOUND',
            `model ${modelId} of comparison ${id} was deleted after its training: the comparison and its summary stay, but its disagreements cannot be shown`,
            { details: { id: modelId, comparison: id } },
          );
        }
        throw error;
      });
    const [predA, predB] = await Promise.all([predictionsOf(idA), predictionsOf(idB)]);
    if (predA === null || predB === null) {
      const id = predA === null ? idA : idB;
      throw new NewscellError('MODEL_CORRUPT', `model ${id} has no predictions.json`, {
        details: { id, file: 'predictions.json' },
      });
    }
    const metrics = (await readMetricsJson(idA, dirA)) as {
      spec?: {
        data?: {
          seed: number;
          validationFraction: number;
          trainPerClass?: number;
          testPerClass?: number;
        };
      };
    };
    const spec = metrics.spec?.data;
    if (spec === undefined) {
      throw new NewscellError('MODEL_CORRUPT', `model ${idA}: metrics.json has no spec.data`, {
        details: { id: idA, file: 'metrics.json' },
      });
    }
    const testSet = await this.deps.testTexts.get(spec);
    const sameItems =
      testSet.labels.length === predA.labels.length &&
      testSet.labels.every((label, i) => label === predA.labels[i]);
    if (!sameItems) {
      throw new NewscellError(
        'MODEL_MISMATCH',
        `the AG News test set read now (${testSet.labels.length} rows) is not the one model ${idA} was evaluated on (${predA.labels.length} rows): the data folder changed`,
        { details: { expected: predA.labels.length, value: testSet.labels.length } },
      );
    }
    const page = disagreements(
      predA.labels,
      { [query.a]: predA.predicted, [query.b]: predB.predicted },
      {
        offset: query.offset,
        limit: query.limit,
      },
    );
    const names = testSet.labelNames;
    const probabilitiesOf = (p: typeof predA, index: number) =>
      Object.fromEntries(
        names.map((name, k) => [name, p.probabilities[index * p.numClasses + k] ?? 0]),
      );
    return {
      a: query.a,
      b: query.b,
      seed: query.seed,
      total: page.total,
      items: page.items.map((item) => ({
        index: item.index,
        text: testSet.texts[item.index] ?? '',
        label: names[item.label] ?? String(item.label),
        predicted: Object.fromEntries(
          Object.entries(item.predicted).map(([cell, k]) => [cell, names[k] ?? String(k)]),
        ),
        probabilities: {
          [query.a]: probabilitiesOf(predA, item.index),
          [query.b]: probabilitiesOf(predB, item.index),
        },
      })),
    };
  }

  private async view(loaded: ComparisonJob): Promise<ComparisonView> {
    // State first, then the job: a job read before it finished has no return value yet, and
    // pairing that with a later 'completed' state would show a finished run as failed.
    const bullState = await this.run(() => loaded.getState());
    const job = (await this.run(() => this.deps.comparisons.getJob(String(loaded.id)))) ?? loaded;
    const { id, request } = job.data;
    const deps = await this.run(() => job.getDependencies());
    const keys = [
      ...Object.keys(deps.processed ?? {}),
      ...Object.keys(deps.ignored ?? {}),
      ...(deps.failed ?? []),
      ...(deps.unprocessed ?? []),
    ];
    const found = await Promise.all(
      keys.map(async (key) => {
        const child = await this.run(() =>
          this.deps.training.getJob(key.slice(key.lastIndexOf(':') + 1)),
        );
        if (child === undefined) return undefined; // removed by retention
        const state = viewState(await this.run(() => child.getState()), child.failedReason);
        if (state === undefined) return undefined;
        return {
          cell: child.data.model.cell,
          seed: child.data.training?.seed ?? 0,
          job: toJobView(child, state),
        };
      }),
    );
    const children = found.filter((c) => c !== undefined);
    children.sort(
      (x, y) => x.seed - y.seed || request.cells.indexOf(x.cell) - request.cells.indexOf(y.cell),
    );
    const summary =
      bullState === 'completed' && Value.Check(ComparisonSummarySchema, job.returnvalue)
        ? job.returnvalue
        : null;
    const state = comparisonState(bullState, summary);
    const count = (pick: (s: string) => boolean) =>
      children.filter((c) => pick(c.job.state)).length;
    return {
      id,
      name: job.name,
      state,
      cells: request.cells,
      seeds: request.seeds,
      request,
      progress: {
        total: request.cells.length * request.seeds.length,
        completed: count((s) => s === 'completed'),
        failed: count((s) => s === 'failed' || s === 'cancelled'),
        active: count((s) => s === 'active'),
      },
      children,
      summary,
      pairwise: summary?.pairwise ?? [],
      failedReason: bullState === 'failed' ? (job.failedReason ?? null) : null,
      timestamps: {
        created: job.timestamp ? new Date(job.timestamp).toISOString() : null,
        finished: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
      },
    };
  }

  private async run<T>(call: () => Promise<T>): Promise<T> {
    await redisReady(this.deps.redis);
    return withRedis(call);
  }

  private async find(id: string): Promise<ComparisonJob> {
    const job = isQueueKeyName(id)
      ? undefined
      : await this.run(() => orNotAJob(this.deps.comparisons.getJob(id)));
    // A hash that is not a comparison (a key of another kind of job) has no request.
    if (job?.data?.request === undefined) {
      throw new NewscellError('JOB_NOT_FOUND', `No comparison with id ${id}`, { details: { id } });
    }
    return job as ComparisonJob;
  }
}

/** A model's `metrics.json` as an object, or `MODEL_CORRUPT` naming the model (never a 500). */
async function readMetricsJson(modelId: string, dir: string): Promise<Record<string, unknown>> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(join(dir, 'metrics.json'), 'utf8'));
  } catch (error) {
    throw new NewscellError(
      'MODEL_CORRUPT',
      `model ${modelId}: metrics.json cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      { details: { id: modelId, file: 'metrics.json' } },
    );
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new NewscellError('MODEL_CORRUPT', `model ${modelId}: metrics.json is not an object`, {
      details: { id: modelId, file: 'metrics.json' },
    });
  }
  return json as Record<string, unknown>;
}

/**
 * `cancelled` when a person cancelled it; `failed` when the summary could not be made or no child
 * completed (nothing to compare); else `completed`, even with some children failed (listed).
 */
function comparisonState(
  bullState: string,
  summary: ComparisonSummary | null,
): ComparisonView['state'] {
  if (bullState === 'failed') return 'failed';
  if (bullState !== 'completed') return 'running';
  if (summary?.cancelled) return 'cancelled';
  if (summary === null || summary.notCompleted.length === summary.children.length) return 'failed';
  return 'completed';
}
