import type { TrainingJobView } from '@newscell/contracts';

/** Share of the bar each phase ends at: training dominates, the rest are short steps. */
const PHASE_END = {
  loading: 0.03,
  vocabulary: 0.05,
  embeddings: 0.08,
  training: 0.92,
  evaluating: 0.97,
  saving: 0.99,
} as const;

/** How far a job is, 0..1, and a line saying where it is. */
export function jobProgress(job: TrainingJobView): { fraction: number; text: string } {
  if (job.state === 'completed') return { fraction: 1, text: 'done' };
  if (job.state === 'failed') return { fraction: 0, text: `failed: ${job.failedReason ?? ''}` };
  if (job.state === 'cancelled') return { fraction: 0, text: 'cancelled' };
  const p = job.progress;
  if (p === null) return { fraction: 0, text: job.state === 'queued' ? 'queued' : 'starting' };
  if (p.phase !== 'training') {
    const previous = {
      loading: 0,
      vocabulary: 0.03,
      embeddings: 0.05,
      evaluating: 0.92,
      saving: 0.97,
    };
    return { fraction: previous[p.phase], text: p.phase };
  }
  const done = job.history.length;
  const within = p.batches > 0 && p.epoch > done ? Math.min(1, p.batch / p.batches) : 0;
  const share = p.epochs > 0 ? Math.min(1, (done + within) / p.epochs) : 0;
  const start = PHASE_END.embeddings;
  const eta = p.etaSeconds === null ? '' : ` · about ${Math.ceil(p.etaSeconds)} s left`;
  return {
    fraction: start + share * (PHASE_END.training - start),
    text: `epoch ${Math.min(done + 1, p.epochs)}/${p.epochs} · batch ${p.batch}/${p.batches}${eta}`,
  };
}
