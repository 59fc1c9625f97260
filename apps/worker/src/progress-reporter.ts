import type { EpochRecord, TrainingPhase, TrainingProgress } from '@newscell/contracts';

export interface ProgressReporterOptions {
  /** Where progress goes (the job's `updateProgress`). */
  send: (progress: TrainingProgress) => Promise<void>;
  /**
   * Least time between two batch-level updates; phase changes and finished epochs always go out.
   * @defaultValue 250
   */
  minIntervalMs?: number;
  /** @defaultValue `Date.now` */
  now?: () => number;
}

type Update = Partial<Omit<TrainingProgress, 'history'>>;

const EMPTY: TrainingProgress = {
  phase: 'loading',
  epoch: 0,
  epochs: 0,
  batch: 0,
  batches: 0,
  loss: null,
  accuracy: null,
  valLoss: null,
  valAccuracy: null,
  samplesPerSecond: null,
  etaSeconds: null,
  history: [],
};

/**
 * Keeps the job's progress object and sends it at most a few times a second, so a fast training
 * loop never floods Redis; the last state is always sent by `flush()`.
 */
export class ProgressReporter {
  private state: TrainingProgress = EMPTY;
  private lastSent = Number.NEGATIVE_INFINITY;
  private pending = false;
  private inFlight: Promise<void> = Promise.resolve();
  private readonly minIntervalMs: number;
  private readonly now: () => number;

  constructor(private readonly options: ProgressReporterOptions) {
    this.minIntervalMs = options.minIntervalMs ?? 250;
    this.now = options.now ?? Date.now;
  }

  get current(): TrainingProgress {
    return this.state;
  }

  /** Starts from a history restored with a checkpoint, so curves keep their earlier epochs. */
  restoreHistory(history: readonly EpochRecord[]): void {
    this.state = { ...this.state, history: [...history] };
  }

  /** Enters a phase: always sent at once. */
  phase(phase: TrainingPhase, update: Update = {}): Promise<void> {
    this.state = { ...this.state, ...update, phase };
    return this.send();
  }

  /** A batch finished: sent if the last update is old enough, else kept for the next one. */
  batch(update: Update): Promise<void> {
    this.state = { ...this.state, ...update };
    if (this.now() - this.lastSent < this.minIntervalMs) {
      this.pending = true;
      return Promise.resolve();
    }
    return this.send();
  }

  /** An epoch finished: appended to the history and sent at once. */
  epochEnd(record: EpochRecord, update: Update = {}): Promise<void> {
    const history = [...this.state.history.filter((r) => r.epoch !== record.epoch), record];
    this.state = { ...this.state, ...update, history };
    return this.send();
  }

  /** Sends what is pending, if anything. */
  flush(): Promise<void> {
    return this.pending ? this.send() : this.inFlight;
  }

  private send(): Promise<void> {
    this.pending = false;
    this.lastSent = this.now();
    const snapshot = this.state;
    // Keep updates in order: each waits for the previous one.
    this.inFlight = this.inFlight.then(() => this.options.send(snapshot)).catch(() => {});
    return this.inFlight;
  }
}
