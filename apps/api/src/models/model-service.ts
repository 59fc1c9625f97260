import {
  type Alias,
  type CompareResponse,
  type ListModelsQuery,
  type ModelDetail,
  type ModelList,
  type ModelSummary,
  NewscellError,
  type PredictResponse,
  type SkippedModel,
} from '@newscell/contracts';
import type { AliasStore } from './alias-store.js';
import { bestByAccuracy, compareCells } from './compare-cells.js';
import type { ModelRecord, ModelRegistry } from './model-registry.js';
import { toModelSummary, toModelTraining } from './model-registry.js';
import type { PredictionBatcher } from './prediction-batcher.js';
import type { PredictorCache } from './predictor-cache.js';

/** The alias `POST /v1/predict` answers with, when it is set. */
export const DEFAULT_ALIAS = 'default';

export interface ModelServiceParts {
  registry: ModelRegistry;
  aliases: AliasStore;
  predictors: PredictorCache;
  batcher: PredictionBatcher;
  /**
   * How stale the predict path's view of the registry and aliases may be: changes made through
   * this API apply at once, changes made on disk by others within this time. @defaultValue 1000
   */
  recheckMs?: number;
}

/** What the model, alias, predict and compare routes do, over the registry on disk. */
export class ModelService {
  readonly #recheckMs: number;
  #bestModel: { id: string; at: number } | null = null;

  constructor(private readonly parts: ModelServiceParts) {
    this.#recheckMs = parts.recheckMs ?? 1000;
  }

  /**
   * Models filtered by cell, sorted (accuracy: best first; created: newest first), one page;
   * with every directory left out as unreadable (`skipped`, whatever the page).
   */
  async list(query: ListModelsQuery): Promise<ModelList> {
    const { summaries, skipped } = await this.scan();
    let items = summaries;
    if (query.cell !== undefined) items = items.filter((m) => m.cell === query.cell);
    items.sort(query.sort === 'accuracy' ? byAccuracy : byCreated);
    let start = query.offset;
    if (query.cursor !== undefined) {
      const at = items.findIndex((m) => m.id === query.cursor);
      if (at === -1) {
        throw new NewscellError(
          'INVALID_ARGUMENT',
          `cursor ${query.cursor} is not a model of this listing (deleted, or from another filter)`,
          { details: { field: 'cursor', value: query.cursor } },
        );
      }
      start = at + 1 + query.offset;
    }
    const page = items.slice(start, start + query.limit);
    const more = start + query.limit < items.length;
    return { items: page, nextCursor: more ? (page.at(-1)?.id ?? null) : null, skipped };
  }

  async detail(id: string): Promise<ModelDetail> {
    const record = await this.parts.registry.get(id);
    const [config, aliases] = await Promise.all([
      this.parts.registry.config(id),
      this.aliasesOf(id),
    ]);
    return {
      ...toModelSummary(record, aliases),
      config,
      manifest: record.manifest,
      test: record.metrics?.test ?? null,
      training: toModelTraining(record),
      data: record.metrics?.data ?? null,
    };
  }

  /**
   * Deletes a model and unloads it. A model an alias points at is refused (`MODEL_IN_USE`, 409,
   * naming the aliases): deleting it would silently break every client of that alias.
   */
  async remove(id: string): Promise<void> {
    await this.parts.registry.get(id);
    const aliases = await this.aliasesOf(id);
    if (aliases.length > 0) {
      throw new NewscellError(
        'MODEL_IN_USE',
        `model ${id} is the target of alias ${aliases.join(', ')}: point ${aliases.length > 1 ? 'them' : 'it'} at another model (PUT /v1/aliases/:name) or delete ${aliases.length > 1 ? 'them' : 'it'} (DELETE /v1/aliases/:name) first`,
        { details: { id, aliases } },
      );
    }
    this.parts.predictors.evict(id);
    await this.parts.registry.remove(id);
    this.#bestModel = null;
  }

  /**
   * Predictions of model `id` for `texts`, batched with concurrent requests to the same model.
   * `knownToExist`: the caller just looked the model up (the default-model route).
   */
  async predict(
    id: string,
    texts: string[],
    options: { knownToExist?: boolean } = {},
  ): Promise<PredictResponse> {
    // Checked per request (a stat while cached) so a deleted model answers 404 at once.
    if (options.knownToExist !== true) {
      try {
        await this.parts.registry.get(id, { maxAgeMs: this.#recheckMs });
      } catch (error) {
        // Removed on disk by someone else: free its memory too.
        if ((error as NewscellError).code === 'MODEL_NOT_FOUND') this.parts.predictors.evict(id);
        throw error;
      }
    }
    const predictions = await this.parts.batcher.predict(id, texts);
    return { modelId: id, predictions } as PredictResponse;
  }

  /**
   * The model `POST /v1/predict` uses: alias `default` if set, else the best model by test
   * accuracy. `MODEL_NOT_FOUND` (404) when the registry has no scored model, or when `default`
   * points at a model that is gone.
   */
  async defaultModelId(): Promise<string> {
    const fresh = { maxAgeMs: this.#recheckMs };
    const alias = await this.parts.aliases.get(DEFAULT_ALIAS, fresh);
    if (alias !== null) {
      try {
        await this.parts.registry.get(alias.modelId, fresh);
      } catch (error) {
        if ((error as NewscellError).code !== 'MODEL_NOT_FOUND') throw error;
        this.parts.predictors.evict(alias.modelId);
        throw new NewscellError(
          'MODEL_NOT_FOUND',
          `alias default points at model ${alias.modelId}, which is not in the registry: PUT /v1/aliases/default with another model`,
          { details: { alias: DEFAULT_ALIAS, modelId: alias.modelId } },
        );
      }
      return alias.modelId;
    }
    const remembered = this.#bestModel;
    if (remembered !== null && performance.now() - remembered.at <= this.#recheckMs) {
      return remembered.id;
    }
    const best = bestByAccuracy(await this.summaries());
    if (best === undefined) {
      throw new NewscellError(
        'MODEL_NOT_FOUND',
        'no default model: the registry has no model with test metrics and alias default is not set; train one (POST /v1/training-jobs) or PUT /v1/aliases/default',
        { details: { alias: DEFAULT_ALIAS } },
      );
    }
    this.#bestModel = { id: best.id, at: performance.now() };
    return best.id;
  }

  async listAliases(): Promise<Alias[]> {
    return this.parts.aliases.list();
  }

  /** Points an alias at an existing model (`MODEL_NOT_FOUND` otherwise). */
  async setAlias(name: string, modelId: string): Promise<Alias> {
    await this.parts.registry.get(modelId);
    this.#bestModel = null;
    return this.parts.aliases.set(name, modelId);
  }

  async removeAlias(name: string): Promise<Alias> {
    return this.parts.aliases.remove(name);
  }

  async compare(): Promise<CompareResponse> {
    return compareCells(await this.summaries());
  }

  /** Summaries of the readable models: what compare and the default model choose from. */
  async summaries(): Promise<ModelSummary[]> {
    return (await this.scan()).summaries;
  }

  private async scan(): Promise<{ summaries: ModelSummary[]; skipped: SkippedModel[] }> {
    const [{ records, skipped }, aliases] = await Promise.all([
      this.parts.registry.scan(),
      this.parts.aliases.list(),
    ]);
    const summaries = records.map((r: ModelRecord) =>
      toModelSummary(
        r,
        aliases.filter((a) => a.modelId === r.id).map((a) => a.name),
      ),
    );
    return { summaries, skipped };
  }

  private async aliasesOf(id: string): Promise<string[]> {
    return (await this.parts.aliases.list()).filter((a) => a.modelId === id).map((a) => a.name);
  }
}

function byCreated(a: ModelSummary, b: ModelSummary): number {
  return b.created.localeCompare(a.created) || a.id.localeCompare(b.id);
}

function byAccuracy(a: ModelSummary, b: ModelSummary): number {
  if (a.accuracy === b.accuracy) return byCreated(a, b);
  if (a.accuracy === null) return 1;
  if (b.accuracy === null) return -1;
  return b.accuracy - a.accuracy;
}
