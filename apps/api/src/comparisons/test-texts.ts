import { loadAgNews } from '@newscell/dataset';

/** The data settings a model was tested with, as its metrics.json `spec.data` records them. */
export interface TestSetKey {
  seed: number;
  validationFraction: number;
  trainPerClass?: number;
  testPerClass?: number;
}

export interface TestSet {
  texts: string[];
  labels: number[];
  labelNames: readonly string[];
}

/** Finds the AG News folder when first needed; may download it, so it is asked only then. */
export type AgNewsDirLocator = () => Promise<string>;

/**
 * AG News test rows as a training evaluated them, kept for the few data settings in use: reading
 * the CSVs takes seconds, paging through disagreements should not.
 *
 * The folder is located on the first request that needs texts, never at start-up: the API serves
 * everything else without the data. A failed search is not kept, so data put in place later
 * (or a download that works the next time) is found without a restart.
 */
export class TestTextCache {
  private readonly entries = new Map<string, Promise<TestSet>>();
  private readonly locate: AgNewsDirLocator;
  private located: Promise<string> | undefined;

  constructor(
    /** A folder, or how to find one (`resolveAgNewsDir`, as the worker does). */
    agNewsDir: string | AgNewsDirLocator,
    /** @defaultValue 4 */
    private readonly capacity = 4,
  ) {
    this.locate = typeof agNewsDir === 'string' ? async () => agNewsDir : agNewsDir;
  }

  get(key: TestSetKey): Promise<TestSet> {
    const id = JSON.stringify([
      key.seed,
      key.validationFraction,
      key.trainPerClass ?? null,
      key.testPerClass ?? null,
    ]);
    const cached = this.entries.get(id);
    if (cached !== undefined) {
      this.entries.delete(id); // most recently used goes last
      this.entries.set(id, cached);
      return cached;
    }
    const loading = this.load(key);
    loading.catch(() => this.entries.delete(id));
    this.entries.set(id, loading);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return loading;
  }

  /** One search at a time (a download must not start twice); a failure is forgotten. */
  private agNewsDir(): Promise<string> {
    if (this.located === undefined) {
      const locating = this.locate();
      locating.catch(() => {
        if (this.located === locating) this.located = undefined;
      });
      this.located = locating;
    }
    return this.located;
  }

  private async load(key: TestSetKey): Promise<TestSet> {
    const corpus = await loadAgNews({
      dir: await this.agNewsDir(),
      validationFraction: key.validationFraction,
      seed: key.seed,
      ...(key.trainPerClass === undefined ? {} : { trainLimit: { perClass: key.trainPerClass } }),
      ...(key.testPerClass === undefined ? {} : { testLimit: { perClass: key.testPerClass } }),
    });
    return {
      texts: corpus.test.map((e) => e.text),
      labels: corpus.test.map((e) => e.label),
      labelNames: corpus.summary.classNames,
    };
  }
}
