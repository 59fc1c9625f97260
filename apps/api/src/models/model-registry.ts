import { randomBytes } from 'node:crypto';
import { readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type CellType,
  InferenceTimingSchema,
  isNewscellError,
  ModelConfigSchema,
  type ModelConfigView,
  ModelJobSchema,
  ModelManifestSchema,
  type ModelManifestView,
  type ModelSummary,
  type ModelTraining,
  NewscellError,
  RESOURCE_ID_PATTERN,
  type SkippedModel,
  type TestMetrics,
  TestMetricsSchema,
  validationIssues,
} from '@newscell/contracts';
import Type, { type TSchema } from 'typebox';

const ID = new RegExp(RESOURCE_ID_PATTERN);

/** One model directory's small files, parsed; what lists, details and compare are built from. */
export interface ModelRecord {
  id: string;
  dir: string;
  manifest: ModelManifestView;
  /** `metrics.json` (the worker's report plus job and data), null when the model has none. */
  metrics: SavedMetrics | null;
}

const OptionalNullable = <T extends TSchema>(schema: T) =>
  Type.Optional(Type.Union([schema, Type.Null()]));

/**
 * The parts of the worker's `metrics.json` the API reads, checked on read: a file that passes is
 * safe to show, one that does not makes the model `MODEL_CORRUPT` (left out of lists). Other
 * fields are the worker's and pass through.
 */
const SavedMetricsSchema = Type.Object({
  parameterCount: Type.Optional(Type.Integer({ minimum: 0 })),
  test: Type.Optional(TestMetricsSchema),
  training: Type.Optional(
    Type.Object({
      seconds: Type.Number(),
      samplesPerSecond: Type.Number(),
      epochsCompleted: Type.Integer(),
      stopReason: Type.String(),
      bestEpoch: OptionalNullable(Type.Integer()),
      bestValidationLoss: OptionalNullable(Type.Number()),
      history: Type.Array(
        Type.Object({
          epoch: Type.Integer({ minimum: 1 }),
          loss: Type.Number(),
          accuracy: Type.Number(),
          validationLoss: OptionalNullable(Type.Number()),
          validationAccuracy: OptionalNullable(Type.Number()),
          samplesPerSecond: Type.Number(),
          seconds: Type.Number(),
        }),
      ),
    }),
  ),
  inference: Type.Optional(InferenceTimingSchema),
  // null: trained outside a job (the CLI, test fixtures); absent in older models.
  job: OptionalNullable(ModelJobSchema),
});

/** The parts of the worker's `metrics.json` the API reads; every part may be absent. */
interface SavedMetrics {
  parameterCount?: number;
  test?: TestMetrics;
  training?: Omit<ModelTraining, 'history'> & { history: Record<string, unknown>[] };
  inference?: { msPerTextBatch1: number; msPerTextBatch64: number; runs: number };
  job?: { id: string; name: string | null; tags: string[] } | null;
  data?: unknown;
}

/** Throws `INVALID_ARGUMENT` unless `id` can only name a directory directly inside the registry. */
export function assertModelId(id: string): void {
  if (!ID.test(id)) {
    throw new NewscellError(
      'INVALID_ARGUMENT',
      `model id ${JSON.stringify(id.slice(0, 140))} is not valid: use letters, digits, '_' and '-' (at most 128)`,
      { details: { field: 'id', value: id.slice(0, 140) } },
    );
  }
}

/**
 * The model registry: one directory per model under `dir`, as the worker writes them. It is read
 * on every call (a model the worker just saved shows up at once); parsed metadata is cached per
 * model and reused while its `manifest.json` keeps the same modification time, which changes
 * whenever a directory is replaced (models are written to a temp sibling and renamed in).
 */
export class ModelRegistry {
  readonly #cache = new Map<string, { mtimeMs: number; checkedAt: number; record: ModelRecord }>();

  constructor(
    readonly dir: string,
    private readonly onUnreadable: (id: string, error: unknown) => void = () => {},
  ) {}

  /** Directory of a model id (validated, so it never leaves the registry). */
  dirOf(id: string): string {
    assertModelId(id);
    return join(this.dir, id);
  }

  /** Every readable model (see `scan`). */
  async list(): Promise<ModelRecord[]> {
    return (await this.scan()).records;
  }

  /**
   * Every readable model, and every directory left out because it is not one (half-copied,
   * foreign, or with a manifest, metrics or config that does not hold what a model's must),
   * with the reason; each of those is also reported through `onUnreadable`.
   */
  async scan(): Promise<{ records: ModelRecord[]; skipped: SkippedModel[] }> {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(this.dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], skipped: [] };
      throw error;
    }
    const ids = entries.filter((e) => e.isDirectory() && ID.test(e.name)).map((e) => e.name);
    const skipped: SkippedModel[] = [];
    const records = await Promise.all(
      ids.map(async (id) => {
        try {
          return await this.get(id);
        } catch (error) {
          // Removed between the listing and the read: simply gone.
          if (isNewscellError(error) && error.code === 'MODEL_NOT_FOUND') return null;
          this.onUnreadable(id, error);
          skipped.push({
            id,
            code: isNewscellError(error) ? error.code : 'MODEL_CORRUPT',
            message: isNewscellError(error)
              ? error.message
              : `model ${id} cannot be read: ${(error as Error).message}`,
          });
          return null;
        }
      }),
    );
    for (const id of this.#cache.keys()) if (!ids.includes(id)) this.#cache.delete(id);
    skipped.sort((a, b) => a.id.localeCompare(b.id));
    return { records: records.filter((r): r is ModelRecord => r !== null), skipped };
  }

  /**
   * One model's metadata; `MODEL_NOT_FOUND` (404) or `MODEL_CORRUPT` (409) naming the file.
   * `maxAgeMs`: trust a cached record checked on disk that recently (the predict path, which
   * should not touch the disk per request); 0 always checks.
   */
  async get(id: string, options: { maxAgeMs?: number } = {}): Promise<ModelRecord> {
    const dir = this.dirOf(id);
    const known = this.#cache.get(id);
    if (known !== undefined && performance.now() - known.checkedAt <= (options.maxAgeMs ?? 0)) {
      return known.record;
    }
    const manifestFile = join(dir, 'manifest.json');
    let mtimeMs: number;
    try {
      mtimeMs = (await stat(manifestFile)).mtimeMs;
    } catch {
      this.#cache.delete(id);
      const exists = await stat(dir).then(
        () => true,
        () => false,
      );
      if (!exists) {
        throw new NewscellError('MODEL_NOT_FOUND', `No model with id ${id}`, {
          details: { id },
        });
      }
      throw new NewscellError(
        'MODEL_CORRUPT',
        `model ${id} has no manifest.json: not a complete model directory`,
        { details: { id, file: 'manifest.json' } },
      );
    }
    const cached = this.#cache.get(id);
    if (cached?.mtimeMs === mtimeMs) {
      cached.checkedAt = performance.now();
      return cached.record;
    }
    const manifest = checked<ModelManifestView>(
      id,
      'manifest.json',
      ModelManifestSchema,
      await readJson<unknown>(id, dir, 'manifest.json'),
    );
    if (manifest.id !== id) {
      throw new NewscellError(
        'MODEL_CORRUPT',
        `model ${id}: manifest.json does not describe model ${id} (its id is ${JSON.stringify(manifest.id.slice(0, 140))})`,
        { details: { id, file: 'manifest.json', field: 'id' } },
      );
    }
    if (Number.isNaN(Date.parse(manifest.created))) {
      throw new NewscellError(
        'MODEL_CORRUPT',
        `model ${id}: manifest.json /created: not a date (got ${JSON.stringify(manifest.created.slice(0, 40))})`,
        { details: { id, file: 'manifest.json', field: 'created' } },
      );
    }
    const metrics =
      manifest.files['metrics.json'] === undefined
        ? null
        : checked<SavedMetrics>(
            id,
            'metrics.json',
            SavedMetricsSchema,
            await readJson<unknown>(id, dir, 'metrics.json'),
          );
    const record: ModelRecord = { id, dir, manifest, metrics };
    this.#cache.set(id, { mtimeMs, checkedAt: performance.now(), record });
    return record;
  }

  /** `config.json` of a model: its architecture. */
  async config(id: string): Promise<ModelConfigView> {
    const json = await readJson<unknown>(id, this.dirOf(id), 'config.json');
    return checked<ModelConfigView>(id, 'config.json', ModelConfigSchema, json);
  }

  /**
   * Removes a model directory: renamed to a temp sibling first (readers then see it gone at
   * once, never half-deleted), then deleted.
   */
  async remove(id: string): Promise<void> {
    const dir = this.dirOf(id);
    await this.get(id);
    const trash = `${dir}.deleted-${process.pid}-${randomBytes(4).toString('hex')}`;
    await rename(dir, trash);
    this.#cache.delete(id);
    await rm(trash, { recursive: true, force: true });
  }
}

/** `value` when it matches `schema`, else `MODEL_CORRUPT` naming file, field and problem. */
function checked<T>(id: string, file: string, schema: TSchema, value: unknown): T {
  const issues = validationIssues(schema, value);
  if (issues.length === 0) return value as T;
  const shown = issues.slice(0, 3).map((i) => `${i.path}: ${i.message}`);
  throw new NewscellError(
    'MODEL_CORRUPT',
    `model ${id}: ${file} ${shown.join('; ')}${issues.length > 3 ? ` (and ${issues.length - 3} more)` : ''}`,
    { details: { id, file, field: issues[0]?.path } },
  );
}

async function readJson<T>(id: string, dir: string, file: string): Promise<T> {
  let text: string;
  try {
    text = await readFile(join(dir, file), 'utf8');
  } catch (error) {
    throw new NewscellError(
      'MODEL_CORRUPT',
      `model ${id}: ${file} cannot be read (${(error as NodeJS.ErrnoException).code})`,
      { details: { id, file } },
    );
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new NewscellError(
      'MODEL_CORRUPT',
      `model ${id}: ${file} is not valid JSON: ${(error as Error).message}`,
      { details: { id, file } },
    );
  }
}

/** The list view of a model. */
export function toModelSummary(record: ModelRecord, aliases: string[]): ModelSummary {
  const { manifest, metrics } = record;
  return {
    id: record.id,
    cell: manifest.cell as CellType,
    created: manifest.created,
    accuracy: metrics?.test?.accuracy ?? null,
    macroF1: metrics?.test?.macroF1 ?? null,
    logLoss: metrics?.test?.logLoss ?? null,
    parameterCount: metrics?.parameterCount ?? null,
    trainingSeconds: metrics?.training?.seconds ?? null,
    samplesPerSecond: metrics?.training?.samplesPerSecond ?? null,
    epochs: metrics?.training?.epochsCompleted ?? null,
    inference: metrics?.inference ?? null,
    backend: {
      name: manifest.backend?.name ?? 'unknown',
      version: manifest.backend?.version ?? '',
    },
    job: metrics?.job ?? null,
    aliases,
  } as ModelSummary;
}

/** The saved training report with absent validation figures as null (as JSON has no undefined). */
export function toModelTraining(record: ModelRecord): ModelTraining | null {
  const training = record.metrics?.training;
  if (training === undefined) return null;
  return {
    ...training,
    bestEpoch: training.bestEpoch ?? null,
    bestValidationLoss: training.bestValidationLoss ?? null,
    history: training.history.map((h) => ({
      ...(h as unknown as ModelTraining['history'][number]),
      validationLoss: (h.validationLoss as number | undefined) ?? null,
      validationAccuracy: (h.validationAccuracy as number | undefined) ?? null,
    })),
  };
}
