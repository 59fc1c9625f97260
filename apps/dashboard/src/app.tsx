import type { ModelDetail } from '@newscell/contracts';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { readApiKey, storeApiKey } from './api/api-key.js';
import { CellComparison } from './panels/cell-comparison.js';
import { CompareCells } from './panels/compare-cells.js';
import { ConfusionMatrix } from './panels/confusion-matrix.js';
import { jobCurve, LearningCurves, modelCurve } from './panels/learning-curves.js';
import { ModelsTable } from './panels/models-table.js';
import { EmptyState, ErrorMessage, Panel } from './panels/panel.js';
import { Significance } from './panels/significance.js';
import { TrainingJobs } from './panels/training-jobs.js';
import { TryHeadline } from './panels/try-headline.js';
import { useJobs } from './state/use-jobs.js';
import { useRegistry } from './state/use-registry.js';

function ApiKeyField(props: { value: string; onChange: (key: string) => void }) {
  const [draft, setDraft] = useState(props.value);
  return (
    <form
      class="key-form"
      onSubmit={(e) => {
        e.preventDefault();
        props.onChange(draft.trim());
      }}
    >
      <label for="api-key">API key</label>
      <input
        id="api-key"
        name="api-key"
        type="password"
        autoComplete="off"
        value={draft}
        placeholder="not needed on this machine without keys"
        onInput={(e) => setDraft(e.currentTarget.value)}
      />
      <button type="submit">Use key</button>
    </form>
  );
}

const NO_MODELS =
  'No models yet: start a training below, and its model appears here when it is done.';

export function App() {
  const [apiKey, setApiKey] = useState(readApiKey);
  const registry = useRegistry(apiKey);
  const jobs = useJobs(apiKey, registry.reload);
  const [selected, setSelected] = useState<ReadonlySet<string> | null>(null);
  const [comparisonsSeen, setComparisonsSeen] = useState(0);
  const comparisonFinished = useCallback(() => {
    setComparisonsSeen((n) => n + 1);
    registry.reload();
  }, [registry.reload]);

  const models = registry.models.status === 'ready' ? registry.models.value : [];
  // Until the user picks, show the best model of each cell.
  const defaultSelection = useMemo(() => {
    const best = new Map<string, (typeof models)[number]>();
    for (const m of models) {
      const current = best.get(m.cell);
      if (current === undefined || (m.accuracy ?? -1) > (current.accuracy ?? -1))
        best.set(m.cell, m);
    }
    return new Set([...best.values()].map((m) => m.id));
  }, [models]);
  const chosen = selected ?? defaultSelection;
  const toggle = useCallback(
    (id: string) =>
      setSelected((s) => {
        const next = new Set(s ?? defaultSelection);
        if (next.has(id)) next.delete(id);
        else next.add(id);
        return next;
      }),
    [defaultSelection],
  );
  // Memoised so charts are redrawn when what they show changed, not on every job poll.
  const chosenIds = useMemo(
    () => models.filter((m) => chosen.has(m.id)).map((m) => m.id),
    [models, chosen],
  );
  const chosenDetails = useMemo(
    () =>
      chosenIds
        .map((id) => registry.details.get(id))
        .filter((d): d is ModelDetail => d !== undefined),
    [chosenIds, registry.details],
  );
  const jobList = jobs.jobs.status === 'ready' ? jobs.jobs.value : null;
  const liveJobs = useMemo(
    () => (jobList ?? []).filter((j) => j.state === 'active' && j.history.length > 0),
    [jobList],
  );
  const curves = useMemo(
    () => [...chosenDetails.map(modelCurve), ...liveJobs.map(jobCurve)],
    [chosenDetails, liveJobs],
  );

  useEffect(() => {
    document.title = 'newscell dashboard';
  }, []);

  const changeKey = (key: string) => {
    storeApiKey(key);
    setApiKey(key);
  };

  const modelsState = registry.models;
  return (
    <>
      <header class="top">
        <h1>newscell</h1>
        <p class="muted">Which recurrent cell should classify your news, and how sure is that?</p>
        <ApiKeyField value={apiKey} onChange={changeKey} />
      </header>
      <main>
        <Panel id="models" title="Runs and models">
          {modelsState.status === 'loading' ? <p class="muted">Loading models…</p> : null}
          {modelsState.status === 'error' ? <ErrorMessage message={modelsState.message} /> : null}
          {modelsState.status === 'missing' ? <EmptyState>{modelsState.message}</EmptyState> : null}
          {modelsState.status === 'ready' && models.length === 0 ? (
            <EmptyState>{NO_MODELS}</EmptyState>
          ) : null}
          {models.length > 0 ? (
            <ModelsTable
              models={models}
              details={registry.details}
              selected={chosen}
              onToggle={toggle}
              onAliasChanged={registry.reload}
            />
          ) : null}
          {[...registry.detailErrors].map(([id, message]) => (
            <ErrorMessage key={id} message={`${id}: ${message}`} />
          ))}
        </Panel>
        <Panel id="compare" title="Cell types compared">
          {models.some((m) => m.accuracy !== null) ? (
            <CellComparison models={models} details={registry.details} />
          ) : (
            <EmptyState>
              Once models are trained, their accuracy, F1, time and size are compared here per cell
              type.
            </EmptyState>
          )}
        </Panel>
        <Panel id="curves" title="Learning curves">
          {curves.length === 0 ? (
            <EmptyState>
              Tick models in the table, or start a training: its curves draw here live, epoch by
              epoch.
            </EmptyState>
          ) : (
            <LearningCurves curves={curves} />
          )}
        </Panel>
        <Panel id="confusion" title="Confusion matrix">
          <ConfusionMatrix models={chosenDetails} />
        </Panel>
        <Panel id="compare-cells" title="Compare cells">
          <CompareCells onFinished={comparisonFinished} />
        </Panel>
        <Panel id="significance" title="Significance and disagreements">
          <Significance apiKey={apiKey} reloadKey={comparisonsSeen} />
        </Panel>
        <Panel id="try" title="Try a headline">
          <TryHeadline modelIds={chosenIds} />
        </Panel>
        <Panel id="training" title="Train a model">
          <TrainingJobs jobs={jobs.jobs} onStarted={jobs.add} />
        </Panel>
      </main>
    </>
  );
}
