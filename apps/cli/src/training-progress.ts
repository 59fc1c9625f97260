import type { EpochRecord, TrainingPhase } from '@newscell/contracts';
import type { BatchProgress, EpochProgress } from '@newscell/models';
import cliProgress from 'cli-progress';

const PHASE_WORDS: Record<TrainingPhase, string> = {
  loading: 'loading AG News',
  vocabulary: 'building the vocabulary',
  embeddings: 'preparing embeddings',
  training: 'training',
  evaluating: 'evaluating on the test set',
  saving: 'saving the model',
};

/**
 * Shows a training run to a person: on a terminal a progress bar per epoch (batches, loss,
 * accuracy, samples/s, ETA); elsewhere (a pipe, a log file, a test) plain lines only, one per
 * phase and per epoch, so logs stay readable.
 */
export class TrainingProgress {
  readonly #out: NodeJS.WriteStream;
  readonly #tty: boolean;
  #bar: cliProgress.SingleBar | undefined;

  constructor(out: NodeJS.WriteStream = process.stderr) {
    this.#out = out;
    this.#tty = out.isTTY === true;
  }

  phase(phase: TrainingPhase): void {
    this.#stopBar();
    this.#line(`· ${PHASE_WORDS[phase]}`);
  }

  /** A line from the pipeline's log. */
  log(line: string): void {
    this.#stopBar();
    this.#line(`  ${line}`);
  }

  batch(b: BatchProgress): void {
    if (!this.#tty) return;
    const payload = {
      epoch: b.epoch,
      epochs: b.epochs,
      loss: b.loss.toFixed(4),
      acc: (b.accuracy * 100).toFixed(1),
      sps: Math.round(b.samplesPerSecond),
      etaTotal: formatSeconds(b.etaSeconds),
    };
    if (this.#bar === undefined) {
      this.#bar = new cliProgress.SingleBar(
        {
          format:
            '  epoch {epoch}/{epochs} [{bar}] {value}/{total} batches | loss {loss} acc {acc}% | {sps} samples/s | ETA {etaTotal}',
          stream: this.#out,
          hideCursor: true,
          clearOnComplete: true,
          barsize: 24,
        },
        cliProgress.Presets.shades_classic,
      );
      this.#bar.start(b.batchesPerEpoch, b.batch, payload);
    } else {
      this.#bar.update(b.batch, payload);
    }
  }

  epoch(e: EpochProgress, record: EpochRecord): void {
    this.#stopBar();
    const val =
      record.valLoss === null
        ? ''
        : ` | val loss ${record.valLoss.toFixed(4)} val acc ${((record.valAccuracy ?? 0) * 100).toFixed(2)}%`;
    this.#line(
      `  epoch ${e.epoch}/${e.epochs}: loss ${record.loss.toFixed(4)} acc ${(record.accuracy * 100).toFixed(2)}%${val} | ${record.seconds.toFixed(1)} s`,
    );
  }

  stop(): void {
    this.#stopBar();
  }

  #stopBar(): void {
    this.#bar?.stop();
    this.#bar = undefined;
  }

  #line(text: string): void {
    this.#out.write(`${text}\n`);
  }
}

/** `75` → `1m15s`. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '-';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60
    ? `${m}m${String(s % 60).padStart(2, '0')}s`
    : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
