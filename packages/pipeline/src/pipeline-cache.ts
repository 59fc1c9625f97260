import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/** The kinds of work a cache keeps: each is keyed by the options that produced it. */
export type CacheKind = 'dataset' | 'vocabulary' | 'embeddings';

export interface PipelineCacheOptions {
  /**
   * Most entries kept over all kinds; the least recently used goes first.
   * @defaultValue 8
   */
  maxEntries?: number;
  /**
   * Most bytes kept (estimated per entry by the caller); an entry larger than this is not kept.
   * @defaultValue 512 MiB
   */
  maxBytes?: number;
}

/** What `getOrCreate` tells about one look-up, for the log line. */
export interface CacheOutcome<T> {
  value: T;
  hit: boolean;
  /** First 12 hex digits of the key. */
  key: string;
  /** Seconds the value took to make (on a hit: when it was made, the time this run saved). */
  createSeconds: number;
  /** Seconds this look-up took (a hit is close to 0). */
  seconds: number;
}

export interface CacheStats {
  hits: number;
  misses: number;
  entries: number;
  bytes: number;
}

interface Entry {
  value: unknown;
  createSeconds: number;
}

/**
 * Keeps parsed data, vocabularies and embeddings between runs in one process (one worker child),
 * so a second run with the same data options skips that work. Keys hash the exact options that
 * made a value (plus whatever identifies its inputs, e.g. file sizes and times), never more: two
 * runs that differ only in model or training settings share them.
 *
 * Cached values are shared between runs and must be treated as read-only.
 */
export class PipelineCache {
  readonly #lru: LRUCache<string, Entry>;
  readonly #inFlight = new Map<string, Promise<Entry>>();
  #hits = 0;
  #misses = 0;

  constructor(options: PipelineCacheOptions = {}) {
    this.#lru = new LRUCache<string, Entry>({
      max: options.maxEntries ?? 8,
      maxSize: options.maxBytes ?? 512 * 1024 * 1024,
      // Sizes come with each `set`; this only guards entries set without one.
      sizeCalculation: () => 1,
    });
  }

  /**
   * The value for `kind` + `keyParts`, made by `create` on a miss. Concurrent look-ups of one key
   * share a single `create`. `sizeOf` estimates the value's bytes for the size bound.
   */
  async getOrCreate<T>(
    kind: CacheKind,
    keyParts: unknown,
    create: () => Promise<T>,
    sizeOf: (value: T) => number,
  ): Promise<CacheOutcome<T>> {
    const key = cacheKey(kind, keyParts);
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    // Look both up before any await, so a concurrent look-up cannot start a second creation.
    const cached = this.#lru.get(key);
    const pending = cached === undefined ? this.#inFlight.get(key) : undefined;
    const found = cached ?? (pending === undefined ? undefined : await pending);
    if (found !== undefined) {
      this.#hits += 1;
      return {
        value: found.value as T,
        hit: true,
        key: key.slice(0, 12),
        createSeconds: found.createSeconds,
        seconds: seconds(),
      };
    }
    this.#misses += 1;
    const making = (async () => {
      const value = await create();
      const entry: Entry = { value, createSeconds: seconds() };
      // Never let an estimate below 1 or above the bound throw inside lru-cache.
      const size = Math.max(1, Math.ceil(sizeOf(value)));
      if (size <= this.#lru.maxSize) this.#lru.set(key, entry, { size });
      return entry;
    })();
    this.#inFlight.set(key, making);
    try {
      const entry = await making;
      return {
        value: entry.value as T,
        hit: false,
        key: key.slice(0, 12),
        createSeconds: entry.createSeconds,
        seconds: seconds(),
      };
    } finally {
      this.#inFlight.delete(key);
    }
  }

  get stats(): CacheStats {
    return {
      hits: this.#hits,
      misses: this.#misses,
      entries: this.#lru.size,
      bytes: this.#lru.calculatedSize,
    };
  }

  clear(): void {
    this.#lru.clear();
  }
}

/** `cache.getOrCreate`, or just `create` (timed, reported as a miss) when there is no cache. */
export async function cachedWork<T>(
  cache: PipelineCache | undefined,
  kind: CacheKind,
  keyParts: unknown,
  sizeOf: (value: T) => number,
  create: () => Promise<T>,
): Promise<CacheOutcome<T>> {
  if (cache !== undefined) return cache.getOrCreate(kind, keyParts, create, sizeOf);
  const started = performance.now();
  const value = await create();
  const seconds = (performance.now() - started) / 1000;
  return { value, hit: false, key: '', createSeconds: seconds, seconds };
}

/** SHA-256 of the kind and a canonical JSON of the key parts (object keys sorted). */
export function cacheKey(kind: CacheKind, keyParts: unknown): string {
  return createHash('sha256')
    .update(kind)
    .update('\0')
    .update(canonicalJson(keyParts))
    .digest('hex');
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)),
        )
      : v,
  );
}
