import type { CellType, TrainingJobData, TrainingJobView } from '@newscell/contracts';
import { useState } from 'preact/hooks';
import { cancelJob, startJob } from '../api/api-client.js';
import { describeError } from '../api/api-error.js';
import { CELLS } from '../model/cells.js';
import { percent } from '../model/format.js';
import { jobProgress } from '../model/job-progress.js';
import { useCancel } from '../state/use-cancel.js';
import type { Loadable } from '../state/use-registry.js';
import { EmptyState, ErrorMessage } from './panel.js';
import { RowsPerClassFields } from './rows-per-class-fields.js';

const optionalInteger = (value: string): number | undefined =>
  value.trim() === '' ? undefined : Number(value);

/** The form's fields as a job: empty fields are left out so the worker's defaults apply. */
export function jobFromForm(form: FormData): TrainingJobData {
  const field = (name: string) => String(form.get(name) ?? '');
  const epochs = optionalInteger(field('epochs'));
  const trainPerClass = optionalInteger(field('trainPerClass'));
  const testPerClass = optionalInteger(field('testPerClass'));
  const seed = optionalInteger(field('seed'));
  const name = field('name').trim();
  return {
    ...(name === '' ? {} : { name }),
    model: { cell: field('cell') as CellType },
    training: {
      ...(epochs === undefined ? {} : { epochs }),
      ...(seed === undefined ? {} : { seed }),
    },
    data: {
      ...(trainPerClass === undefined ? {} : { trainPerClass }),
      ...(testPerClass === undefined ? {} : { testPerClass }),
    },
  };
}

function StartTrainingForm(props: { onStarted: (job: TrainingJobView) => void }) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      props.onStarted(
        await startJob(jobFromForm(new FormData(event.currentTarget as HTMLFormElement))),
      );
    } catch (error) {
      setProblem(describeError(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="grid-form" onSubmit={submit} aria-label="Start a training">
      <label>
        Cell
        <select name="cell" defaultValue="gru">
          {CELLS.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </label>
      <label>
        Epochs
        <input name="epochs" type="number" min={1} max={200} defaultValue="3" required />
      </label>
      <RowsPerClassFields />
      <label>
        Seed
        <input name="seed" type="number" min={0} placeholder="42" />
      </label>
      <label>
        Name
        <input name="name" type="text" maxLength={120} placeholder="optional" />
      </label>
      <button type="submit" disabled={busy}>
        {busy ? 'Starting…' : 'Start training'}
      </button>
      {problem === null ? null : <ErrorMessage message={problem} />}
    </form>
  );
}

function JobRow(props: { job: TrainingJobView }) {
  const { job } = props;
  const { cancel, cancelling, problem } = useCancel(() => cancelJob(job.id));
  const progress = jobProgress(job);
  const live = job.state === 'queued' || job.state === 'active';
  return (
    <li class="job" data-job={job.id} data-state={job.state}>
      <div class="job-head">
        <strong>{job.name}</strong>
        <span class={`cell-badge cell-${job.data.model.cell}`}>{job.data.model.cell}</span>
        <span class={`state state-${job.state}`}>{job.state}</span>
        {job.result === null ? null : (
          <span>
            {job.result.modelId}: {percent(job.result.accuracy)}
          </span>
        )}
        {live ? (
          <button type="button" onClick={cancel} disabled={cancelling}>
            {cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        ) : null}
      </div>
      <progress max={1} value={progress.fraction} aria-label={`progress of job ${job.id}`} />
      <span class="muted job-status">{progress.text}</span>
      {problem === null ? null : <ErrorMessage message={problem} />}
    </li>
  );
}

/** Start a training from the page, and follow the newest jobs with a progress bar each. */
export function TrainingJobs(props: {
  jobs: Loadable<TrainingJobView[]>;
  onStarted: (job: TrainingJobView) => void;
}) {
  const { jobs } = props;
  return (
    <div>
      <p class="muted">
        Starting and cancelling needs an admin key (none when the API runs on this machine without
        keys). Small data trains in seconds: try 3 epochs on 200 rows per class.
      </p>
      <StartTrainingForm onStarted={props.onStarted} />
      <h3>Recent jobs</h3>
      {jobs.status === 'loading' ? <p class="muted">Loading jobs…</p> : null}
      {jobs.status === 'error' || jobs.status === 'missing' ? (
        <ErrorMessage message={jobs.message} />
      ) : null}
      {jobs.status === 'ready' && jobs.value.length === 0 ? (
        <EmptyState>No training jobs yet: start one with the form above.</EmptyState>
      ) : null}
      {jobs.status === 'ready' ? (
        <ul class="jobs">
          {jobs.value.map((job) => (
            <JobRow key={job.id} job={job} />
          ))}
        </ul>
      ) : null}
    </div>
  );
}
