import type { CellType, ModelDetail, ModelSummary } from '@newscell/contracts';
import { useMemo, useState } from 'preact/hooks';
import { setAlias } from '../api/api-client.js';
import { describeError } from '../api/api-error.js';
import { CELLS } from '../model/cells.js';
import { count, milliseconds, percent, seconds } from '../model/format.js';
import { trainingRows } from '../state/use-registry.js';
import { ErrorMessage } from './panel.js';

type SortKey =
  | 'created'
  | 'accuracy'
  | 'macroF1'
  | 'trainingSeconds'
  | 'samplesPerSecond'
  | 'parameterCount'
  | 'latency';

const COLUMNS: { key: SortKey; label: string }[] = [
  { key: 'accuracy', label: 'Accuracy' },
  { key: 'macroF1', label: 'Macro-F1' },
  { key: 'trainingSeconds', label: 'Training time' },
  { key: 'samplesPerSecond', label: 'Samples/s' },
  { key: 'parameterCount', label: 'Parameters' },
  { key: 'latency', label: 'Latency/text' },
  { key: 'created', label: 'Created' },
];

function sortValue(m: ModelSummary, key: SortKey): number | null {
  if (key === 'created') return Date.parse(m.created);
  if (key === 'latency') return m.inference?.msPerTextBatch1 ?? null;
  return m[key];
}

export interface ModelsTableProps {
  models: ModelSummary[];
  details: ReadonlyMap<string, ModelDetail>;
  selected: ReadonlySet<string>;
  onToggle: (id: string) => void;
  /** After an alias changed (the registry reloads to show it). */
  onAliasChanged: () => void;
}

/** Every model, filterable by cell and sortable by any figure; the checkboxes pick the models
 * the curves, confusion matrices and "try a headline" show. */
export function ModelsTable({
  models,
  details,
  selected,
  onToggle,
  onAliasChanged,
}: ModelsTableProps) {
  const [cell, setCell] = useState<CellType | ''>('');
  const [aliasProblem, setAliasProblem] = useState<string | null>(null);
  const makeDefault = async (id: string) => {
    setAliasProblem(null);
    try {
      await setAlias('default', id);
      onAliasChanged();
    } catch (error) {
      setAliasProblem(`Could not make ${id} the default: ${describeError(error)}`);
    }
  };
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({
    key: 'accuracy',
    descending: true,
  });
  const rows = useMemo(() => {
    const kept = models.filter((m) => cell === '' || m.cell === cell);
    return kept.sort((a, b) => {
      const x = sortValue(a, sort.key);
      const y = sortValue(b, sort.key);
      // Models without the figure go last whichever the direction.
      if (x === null) return y === null ? 0 : 1;
      if (y === null) return -1;
      return sort.descending ? y - x : x - y;
    });
  }, [models, cell, sort]);

  return (
    <div>
      <div class="toolbar">
        <label>
          Cell{' '}
          <select
            name="cell-filter"
            value={cell}
            onChange={(e) => setCell(e.currentTarget.value as CellType | '')}
          >
            <option value="">all cells</option>
            {CELLS.map((c) => (
              <option value={c} key={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <span class="muted">
          {rows.length} of {models.length} models · {selected.size} selected
        </span>
      </div>
      <div class="table-scroll">
        <table class="models" data-table="models">
          <thead>
            <tr>
              <th scope="col">Show</th>
              <th scope="col">Model</th>
              <th scope="col">Cell</th>
              {COLUMNS.map((c) => (
                <th
                  scope="col"
                  key={c.key}
                  aria-sort={
                    sort.key === c.key ? (sort.descending ? 'descending' : 'ascending') : 'none'
                  }
                >
                  <button
                    type="button"
                    class="sort"
                    data-sort={c.key}
                    onClick={() =>
                      setSort((s) => ({
                        key: c.key,
                        descending: s.key === c.key ? !s.descending : true,
                      }))
                    }
                  >
                    {c.label}
                    {sort.key === c.key ? (sort.descending ? ' ▼' : ' ▲') : ''}
                  </button>
                </th>
              ))}
              <th scope="col">Training rows</th>
              <th scope="col">Predict default</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((m) => (
              <tr key={m.id} data-model={m.id}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`show ${m.id}`}
                    checked={selected.has(m.id)}
                    onChange={() => onToggle(m.id)}
                  />
                </td>
                <th scope="row" class="model-id">
                  {m.id}
                  {m.aliases.length > 0 ? <span class="tag">{m.aliases.join(', ')}</span> : null}
                </th>
                <td>
                  <span class={`cell-badge cell-${m.cell}`}>{m.cell}</span>
                </td>
                <td data-col="accuracy">{percent(m.accuracy)}</td>
                <td data-col="macroF1">{percent(m.macroF1)}</td>
                <td data-col="trainingSeconds">{seconds(m.trainingSeconds)}</td>
                <td data-col="samplesPerSecond">{count(m.samplesPerSecond)}</td>
                <td data-col="parameterCount">{count(m.parameterCount)}</td>
                <td data-col="latency">{milliseconds(m.inference?.msPerTextBatch1)}</td>
                <td data-col="created">
                  {new Date(m.created).toLocaleString(undefined, {
                    dateStyle: 'short',
                    timeStyle: 'short',
                  })}
                </td>
                <td data-col="trainingRows">{count(trainingRows(details.get(m.id)))}</td>
                <td data-col="default">
                  {m.aliases.includes('default') ? (
                    'default model'
                  ) : (
                    <button
                      type="button"
                      class="small"
                      aria-label={`make ${m.id} the default model`}
                      onClick={() => makeDefault(m.id)}
                    >
                      Make default
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {aliasProblem === null ? null : <ErrorMessage message={aliasProblem} />}
    </div>
  );
}
