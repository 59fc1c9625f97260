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

/**
 * AG News test rows as a training evaluated them, kept for the few data settings in use: reading
 * the CSVs takes seconds, paging through disagreements should not.
 */
export class TestTextCache {
  private readonly entries = new Map<string, Promise<TestSet>>();

  constructor(
    private readonly agNewsDir: string,
    /** @defaultValue 4 */
    private readonly capacity = 4,
  ) {}

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

  private async load(key: TestSetKey): Promise<TestSet> {
    const corpus = await loadAgNews({
      dir: this.agNewsDir,
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
