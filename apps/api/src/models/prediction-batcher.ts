import type { TopicPrediction } from '@newscell/models';

export interface PredictionBatcherOptions {
  /** Runs one model on a batch of texts; answers in text order. */
  run: (modelId: string, texts: string[]) => Promise<TopicPrediction[]>;
  /** How long the first request of a batch waits for others to join it. @defaultValue 2 */
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
}

/**
 * Micro-batching: predict requests for the same model that arrive within `windowMs` of each
 * other go to the model as one batch of up to `maxBatchTexts` texts, and each request gets its
 * own rows back. A model call runs one batch far faster per text than one text alone, and
 * TensorFlow.js runs synchronously anyway, so under load the requests that piled up while one
 * batch ran form the next. A request larger than `maxBatchTexts` is sent on its own.
 */
export class PredictionBatcher {
  readonly #queues = new Map<string, ModelQueue>();
  readonly #run: PredictionBatcherOptions['run'];
  readonly #windowMs: number;
  readonly #maxBatchTexts: number;
  readonly #onBatch: PredictionBatcherOptions['onBatch'];

  constructor(options: PredictionBatcherOptions) {
    this.#run = options.run;
    this.#windowMs = options.windowMs ?? 2;
    this.#maxBatchTexts = options.maxBatchTexts ?? 64;
    this.#onBatch = options.onBatch;
  }

  predict(modelId: string, texts: string[]): Promise<TopicPrediction[]> {
    return new Promise((resolve, reject) => {
      let queue = this.#queues.get(modelId);
      if (queue === undefined) {
        queue = { waiting: [], texts: 0, timer: null };
        this.#queues.set(modelId, queue);
      }
      queue.waiting.push({ texts, resolve, reject });
      queue.texts += texts.length;
      if (queue.texts >= this.#maxBatchTexts) this.#flush(modelId);
      else if (queue.timer === null) {
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
    queue.timer = null;
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
