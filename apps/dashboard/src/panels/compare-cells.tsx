import type { ComparisonView } from '@newscell/contracts';
import { useEffect, useState } from 'preact/hooks';
import { cancelComparison, getComparison, startComparison } from '../api/api-client.js';
import { describeError } from '../api/api-error.js';
import { CELLS } from '../model/cells.js';
import { comparisonFromForm } from '../model/comparison-form.js';
import { jobProgress } from '../model/job-progress.js';
import { useCancel } from '../state/use-cancel.js';
import { ErrorMessage } from './panel.js';
import { RowsPerClassFields } from './rows-per-class-fields.js';

/** How often a running comparison is asked for its progress. */
const POLL_MS = 1000;
const DEFAULT_CELLS = new Set(['rnn', 'lstm', 'gru']);

function CompareForm(props: { onStarted: (run: ComparisonView) => void }) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    setProblem(null);
    const read = comparisonFromForm(new FormData(event.currentTarget as HTMLFormElement));
    if ('problem' in read) {
      setProblem(read.problem);
      return;
    }
    setBusy(true);
    try {
      props.onStarted(await startComparison(read.request));
    } catch (error) {
      setProblem(describeError(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="grid-form" onSubmit={submit} aria-label="Compare cells">
      <fieldset class="cells-field">
        <legend>Cells (at least two)</legend>
        {CELLS.map((c) => (
          <label key={c} class="check">
            <input type="checkbox" name="cells" value={c} defaultChecked={DEFAULT_CELLS.has(c)} />
            {c}
          </label>
        ))}
      </fieldset>
      <label>
        Seeds
        <input name="seeds" type="text" inputMode="numeric" defaultValue="1, 2, 3" required />
      </label>
      <label>
        Epochs per training
        <input name="epochs" type="number" min={1} max={200} defaultValue="3" required />
      </label>
      <RowsPerClassFields />
      <label>
        Comparison name
        <input name="name" type="text" maxLength={120} placeholder="optional" />
      </label>
      <button type="submit" disabled={busy}>
        {busy ? 'Starting…' : 'Start comparison'}
      </button>
      {problem === null ? null : <ErrorMessage message={problem} />}
    </form>
  );
}

function RunProgress(props: { run: ComparisonView }) {
  const { run } = props;
  const { total, completed, failed, active } = run.progress;
  const { cancel, cancelling, problem } = useCancel(() => cancelComparison(run.id));
  return (
    <div class="comparison-run" data-comparison={run.id} data-state={run.state}>
      <div class="job-head">
        <strong>{run.name}</strong>
        <span class={`state state-${run.state}`}>{run.state}</span>
        {run.state === 'running' ? (
          <button type="button" onClick={cancel} disabled={cancelling}>
            {cancelling ? 'Cancelling…' : 'Cancel comparison'}
          </button>
        ) : null}
      </div>
      <progress
        max={Math.max(total, 1)}
        value={completed + failed}
        aria-label={`progress of comparison ${run.id}`}
      />
      <span class="muted comparison-status">
        {completed} of {total} trainings completed, {active} training now, {failed} failed or
        cancelled
      </span>
      <ul class="comparison-children">
        {run.children.map((child) => (
          <li
            key={child.job.id}
            data-child={`${child.cell}-${child.seed}`}
            data-state={child.job.state}
          >
            <span class={`cell-badge cell-${child.cell}`}>{child.cell}</span> seed {child.seed}:{' '}
            <span class={`state state-${child.job.state}`}>{child.job.state}</span>{' '}
            <span class="muted">{jobProgress(child.job).text}</span>
          </li>
        ))}
      </ul>
      {run.failedReason === null ? null : <ErrorMessage message={run.failedReason} />}
      {problem === null ? null : <ErrorMessage message={problem} />}
    </div>
  );
}

/**
 * Starts a matched comparison (one training per cell and seed) and follows it until it ends;
 * `onFinished` then lets the significance panel show its verdict.
 */
export function CompareCells(props: { onFinished: () => void }) {
  const { onFinished } = props;
  const [run, setRun] = useState<ComparisonView | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const id = run?.id;
  const running = run?.state === 'running';
  useEffect(() => {
    if (id === undefined || !running) return;
    let stopped = false;
    const timer = setInterval(() => {
      getComparison(id).then(
        (next) => {
          if (stopped) return;
          setProblem(null);
          setRun(next);
          if (next.state !== 'running') onFinished();
        },
        (error: unknown) => {
          if (!stopped) setProblem(describeError(error));
        },
      );
    }, POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [id, running, onFinished]);
  return (
    <div>
      <p class="muted">
        Trains every ticked cell once per seed; all cells of a seed share rows, order, vocabulary
        and embeddings, so the only difference is the cell. Needs an admin key. Small data is quick:
        try 1 epoch on 200 rows per class.
      </p>
      <CompareForm onStarted={setRun} />
      {run === null ? null : <RunProgress key={run.id} run={run} />}
      {problem === null ? null : <ErrorMessage message={problem} />}
    </div>
  );
}
