import { useEffect, useState } from 'preact/hooks';
import { getJson } from '../api/api-client.js';
import { ApiRequestError, describeError } from '../api/api-error.js';
import {
  type CellAccuracy,
  type ComparisonRun,
  cellAccuracies,
  type Disagreement,
  isComparisonRun,
  isDisagreement,
  type PairwiseResult,
} from '../model/comparison-shape.js';
import { percent } from '../model/format.js';
import type { Loadable } from '../state/use-registry.js';
import { EmptyState, ErrorMessage } from './panel.js';

const NO_RUNS =
  'No comparison runs yet. A comparison trains every cell on the same seeds, vocabulary and data order, then tests each pair of cells with McNemar on the same test items';

function verdict(pair: PairwiseResult): string {
  const p = pair.combined.pValue;
  const shown = p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`;
  if (pair.combined.winner === null) return `no significant difference (${shown})`;
  return `${pair.combined.winner === 'a' ? pair.a : pair.b} better (${shown})`;
}

function Matrix(props: { run: ComparisonRun; onPick: (pair: PairwiseResult) => void }) {
  const { run } = props;
  const find = (a: string, b: string) =>
    run.pairwise.find((p) => (p.a === a && p.b === b) || (p.a === b && p.b === a));
  return (
    <div class="table-scroll">
      <table class="summary" data-table="significance">
        <caption>McNemar test between cells, over all seeds (click a pair to browse)</caption>
        <thead>
          <tr>
            <td />
            {run.cells.map((c) => (
              <th scope="col" key={c}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {run.cells.map((row) => (
            <tr key={row}>
              <th scope="row">{row}</th>
              {run.cells.map((column) => {
                const pair = row === column ? undefined : find(row, column);
                return (
                  <td key={column}>
                    {pair === undefined ? (
                      '—'
                    ) : (
                      <button type="button" class="link" onClick={() => props.onPick(pair)}>
                        {verdict(pair)}
                      </button>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function CellAccuracyTable(props: { run: ComparisonRun; cells: CellAccuracy[] }) {
  return (
    <div class="table-scroll">
      <table class="summary" data-table="comparison-cells">
        <caption>
          Test accuracy per cell, mean ± sample SD over the completed seeds (seeds{' '}
          {props.run.seeds.join(', ')})
        </caption>
        <thead>
          <tr>
            <th scope="col">cell</th>
            <th scope="col">accuracy</th>
            <th scope="col">seeds completed</th>
          </tr>
        </thead>
        <tbody>
          {props.cells.map((c) => (
            <tr key={c.cell} data-cell={c.cell}>
              <th scope="row">{c.cell}</th>
              <td data-col="accuracy">
                {percent(c.mean)} ± {percent(c.sd)}
              </td>
              <td data-col="n">{c.n}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Disagreements(props: { run: ComparisonRun; pair: PairwiseResult }) {
  const { run, pair } = props;
  const seed = run.seeds[0] ?? 0;
  const [items, setItems] = useState<Loadable<Disagreement[]>>({ status: 'loading' });
  useEffect(() => {
    const query = `a=${encodeURIComponent(pair.a)}&b=${encodeURIComponent(pair.b)}&seed=${seed}&limit=50`;
    getJson<{ items?: unknown }>(
      `/v1/comparisons/${encodeURIComponent(run.id)}/disagreements?${query}`,
    ).then(
      (body) => {
        const list = body.items;
        setItems(
          Array.isArray(list) && list.every(isDisagreement)
            ? { status: 'ready', value: list }
            : {
                status: 'error',
                message: 'The API answered in a format this dashboard cannot read yet.',
              },
        );
      },
      (error: unknown) => setItems({ status: 'error', message: describeError(error) }),
    );
  }, [run.id, pair, seed]);
  return (
    <div>
      <h3>
        Where {pair.a} and {pair.b} disagree, seed {seed} (over all seeds: {pair.combined.onlyA}{' '}
        only {pair.a} right, {pair.combined.onlyB} only {pair.b} right)
      </h3>
      {items.status === 'loading' ? <p class="muted">Loading…</p> : null}
      {items.status === 'error' || items.status === 'missing' ? (
        <ErrorMessage message={items.message} />
      ) : null}
      {items.status === 'ready' ? (
        <ul class="disagreements">
          {items.value.map((d) => (
            <li key={d.index}>
              <q>{d.text}</q> — true: <strong>{d.label}</strong>;{' '}
              {Object.entries(d.predicted)
                .map(([cell, label]) => `${cell}: ${label}`)
                .join(', ')}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** The significance matrix between cells and the disagreement browser of a comparison run. */
export function Significance(props: {
  apiKey: string;
  /** Changes when a comparison started from the page ends, so the list is asked for again. */
  reloadKey?: number;
}) {
  const [runs, setRuns] = useState<Loadable<ComparisonRun[]>>({ status: 'loading' });
  const [pair, setPair] = useState<PairwiseResult | null>(null);
  useEffect(() => {
    getJson<{ items?: unknown }>('/v1/comparisons?limit=20').then(
      (body) => {
        const items = Array.isArray(body.items) ? body.items : null;
        if (items === null) {
          setRuns({
            status: 'error',
            message:
              'The API answered GET /v1/comparisons in a format this dashboard cannot read yet.',
          });
          return;
        }
        // Runs still training have no pairwise results to show yet.
        setRuns({ status: 'ready', value: items.filter(isComparisonRun) });
      },
      (error: unknown) =>
        setRuns(
          error instanceof ApiRequestError && error.routeMissing
            ? { status: 'missing', message: NO_RUNS }
            : { status: 'error', message: describeError(error) },
        ),
    );
  }, [props.apiKey, props.reloadKey]);

  if (runs.status === 'loading') return <p class="muted">Loading comparison runs…</p>;
  if (runs.status === 'missing')
    return (
      <EmptyState>
        {runs.message}. This API does not run comparisons yet (GET /v1/comparisons answered 404);
        until it does, train each cell with the same seed below and compare them in the charts
        above.
      </EmptyState>
    );
  if (runs.status === 'error') return <ErrorMessage message={runs.message} />;
  const run = runs.value.find((r) => r.pairwise.length > 0);
  if (run === undefined)
    return <EmptyState>{NO_RUNS}. Start one to see which cell wins, and how surely.</EmptyState>;
  return (
    <div data-comparison={run.id}>
      <p class="muted">Newest finished comparison: {run.name ?? run.id}</p>
      <Matrix run={run} onPick={setPair} />
      <CellAccuracyTable run={run} cells={cellAccuracies(run)} />
      {pair === null ? null : <Disagreements run={run} pair={pair} />}
    </div>
  );
}
