import type { TopicPrediction } from '@newscell/models';

export interface PredictionBatcherOptions {
  /** Runs one model on a batch of texts; answers in text order. */
  run: (modelId: string, texts: string[]) => Promise<TopicPrediction[]>;
  /** Longest a request waits for others to join its batch. @defaultValue 5 */
  windowMs?: number;
  /** Texts per model call; a batch is sent as soon as it is full. @defaultValue 64 */
  maxBatchTexts?: number;
  /** Told the size of every batch sent (for the batch-size histogram). */
  onBatch?: (modelId: string, texts: number) => void;
}

interface Waiting {
  texts: string[];
  resolve: (predictions: TopicPrediction[]) => void;
  reject: (error: unknown) => void;
}

interface ModelQueue {
  waiting: Waiting[];
  texts: number;
  timer: NodeJS.Timeout | null;
  immediate: NodeJS.Immediate | null;
}

/** Batches remembered per model to guess how many requests are coming back. */
const RECENT_BATCHES = 4;

/**
 * Micro-batching: predict requests for the same model go to the model as one batch of up to
 * `maxBatchTexts` texts, and each request gets its own rows back. A recurrent model's call has a
 * large fixed cost (every time step is a kernel launch whatever the batch), so one call for 32
 * texts is far cheaper than 32 calls.
 *
 * When to send: at once when the batch is full; as soon as the requests already read are in
 * (`setImmediate`) when as many texts wait as the largest of the model's last few batches, since
 * under load the callers answered by one batch come back together and should travel together;
 * else after `windowMs`, the most any request waits for company. Alone (concurrency 1) a
 * request so goes at once; under load batches grow to the number of callers. A request larger
 * than `maxBatchTexts` is sent on its own.
 */
export class PredictionBatcher {
  readonly #queues = new Map<string, ModelQueue>();
  readonly #recent = new Map<string, number[]>();
  readonly #run: PredictionBatcherOptions['run'];
  readonly #windowMs: number;
  readonly #maxBatchTexts: number;
  readonly #onBatch: PredictionBatcherOptions['onBatch'];

  constructor(options: PredictionBatcherOptions) {
    this.#run = options.run;
    this.#windowMs = options.windowMs ?? 5;
    this.#maxBatchTexts = options.maxBatchTexts ?? 64;
    this.#onBatch = options.onBatch;
  }

  predict(modelId: string, texts: string[]): Promise<TopicPrediction[]> {
    return new Promise((resolve, reject) => {
      let queue = this.#queues.get(modelId);
      if (queue === undefined) {
        queue = { waiting: [], texts: 0, timer: null, immediate: null };
        this.#queues.set(modelId, queue);
      }
      queue.waiting.push({ texts, resolve, reject });
      queue.texts += texts.length;
      const expected = Math.max(1, ...(this.#recent.get(modelId) ?? []));
      if (queue.texts >= this.#maxBatchTexts) this.#flush(modelId);
      else if (queue.texts >= expected || this.#windowMs === 0) {
        queue.immediate ??= setImmediate(() => this.#flush(modelId));
      } else if (queue.timer === null) {
        queue.timer = setTimeout(() => this.#flush(modelId), this.#windowMs);
      }
    });
  }

  /** Requests waiting for their batch, all models together. */
  get waiting(): number {
    let n = 0;
    for (const queue of this.#queues.values()) n += queue.waiting.length;
    return n;
  }

  #flush(modelId: string): void {
    const queue = this.#queues.get(modelId);
    if (queue === undefined) return;
    if (queue.timer !== null) clearTimeout(queue.timer);
    if (queue.immediate !== null) clearImmediate(queue.immediate);
    queue.timer = null;
    queue.immediate = null;
    while (queue.waiting.length > 0) {
      const batch: Waiting[] = [];
      let size = 0;
      while (queue.waiting.length > 0) {
        const next = queue.waiting[0] as Waiting;
        if (batch.length > 0 && size + next.texts.length > this.#maxBatchTexts) break;
        batch.push(next);
        queue.waiting.shift();
        size += next.texts.length;
      }
      queue.texts -= size;
      const recent = this.#recent.get(modelId) ?? [];
      recent.push(Math.min(size, this.#maxBatchTexts));
      if (recent.length > RECENT_BATCHES) recent.shift();
      this.#recent.set(modelId, recent);
      void this.#send(modelId, batch, size);
    }
    this.#queues.delete(modelId);
  }

  async #send(modelId: string, batch: Waiting[], size: number): Promise<void> {
    try {
      const texts =
        batch.length === 1 ? (batch[0] as Waiting).texts : batch.flatMap((w) => w.texts);
      this.#onBatch?.(modelId, size);
      const predictions = await this.#run(modelId, texts);
      let offset = 0;
      for (const w of batch) {
        w.resolve(predictions.slice(offset, offset + w.texts.length));
        offset += w.texts.length;
      }
    } catch (error) {
      for (const w of batch) w.reject(error);
    }
  }
}
