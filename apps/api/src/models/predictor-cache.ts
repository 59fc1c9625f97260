import { isNewscellError, NewscellError } from '@newscell/contracts';
import type { Predictor } from '@newscell/models';
import { LRUCache } from 'lru-cache';

export interface PredictorCacheOptions {
  /** Loads one model directory into a warmed-up predictor (`loadPredictor`). */
  load: (id: string) => Promise<Predictor>;
  /** Predictors kept loaded at once; the least recently used is disposed beyond. @defaultValue 4 */
  maxModels?: number;
  /** Told of every eviction, after the predictor's tensors were released. */
  onEvict?: (id: string) => void;
}

/**
 * Loaded models, least recently used first out. The cache holds the *promise* of a predictor,
 * so concurrent first requests for a model share one load; a load that fails leaves no entry
 * (the next request tries again, e.g. once the directory is repaired) and answers with the
 * model's own error: `MODEL_CORRUPT`/`MODEL_MISMATCH` (409) or `MODEL_NOT_FOUND` (404).
 * Evicted predictors are disposed, which frees their tensors.
 */
export class PredictorCache {
  readonly #cache: LRUCache<string, Promise<Predictor>>;
  readonly #load: PredictorCacheOptions['load'];

  constructor(options: PredictorCacheOptions) {
    this.#load = options.load;
    this.#cache = new LRUCache<string, Promise<Predictor>>({
      max: options.maxModels ?? 4,
      dispose: (loading, id) => {
        loading.then(
          (predictor) => {
            predictor.dispose();
            options.onEvict?.(id);
          },
          () => {},
        );
      },
    });
  }

  /** The model's predictor, loading it on first use. */
  get(id: string): Promise<Predictor> {
    const cached = this.#cache.get(id);
    if (cached !== undefined) return cached;
    const loading = this.#load(id).catch((error: unknown) => {
      // Only forget the failed load if no newer one replaced it meanwhile.
      if (this.#cache.peek(id) === loading) this.#cache.delete(id);
      throw asModelError(id, error);
    });
    this.#cache.set(id, loading);
    return loading;
  }

  /** Drops (and disposes) one model, e.g. when it is deleted from the registry. */
  evict(id: string): void {
    this.#cache.delete(id);
  }

  /** Ids currently loaded or loading, most recently used first. */
  ids(): string[] {
    return [...this.#cache.keys()];
  }

  /** Disposes every predictor. */
  async clear(): Promise<void> {
    const loading = [...this.#cache.values()];
    this.#cache.clear();
    await Promise.allSettled(loading);
  }
}

/** TensorFlow.js and file errors on load become `MODEL_CORRUPT` naming the model. */
function asModelError(id: string, error: unknown): NewscellError {
  if (isNewscellError(error)) return error;
  return new NewscellError(
    'MODEL_CORRUPT',
    `model ${id} cannot be loaded: ${(error as Error)?.message ?? String(error)}`,
    { details: { id }, cause: error },
  );
}
