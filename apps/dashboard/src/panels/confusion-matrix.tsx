import type { ModelDetail } from '@newscell/contracts';
import { useMemo, useState } from 'preact/hooks';
import { Chart } from '../charts/chart.js';
import type { EChartsCoreOption } from '../charts/echarts.js';
import { percent } from '../model/format.js';
import { EmptyState } from './panel.js';

function option(detail: ModelDetail): EChartsCoreOption {
  const test = detail.test;
  if (test === null) return {};
  const labels = test.perClass.map((c) => c.label);
  const cells = test.confusionMatrix.flatMap((row, truth) =>
    row.map((n, predicted) => [predicted, truth, n]),
  );
  const max = Math.max(1, ...cells.map((c) => c[2] ?? 0));
  return {
    grid: { left: 84, right: 16, top: 16, bottom: 48 },
    tooltip: {
      formatter: (p: { value: number[] }) =>
        `true ${labels[p.value[1] ?? 0]}, predicted ${labels[p.value[0] ?? 0]}: ${p.value[2]}`,
    },
    xAxis: {
      type: 'category',
      data: labels,
      name: 'predicted class',
      nameLocation: 'middle',
      nameGap: 32,
    },
    yAxis: {
      type: 'category',
      data: labels,
      inverse: true,
      name: 'true class',
      nameLocation: 'middle',
      nameGap: 64,
    },
    visualMap: {
      min: 0,
      max,
      show: false,
      inRange: { color: ['#f4f8fc', '#2b5c8a'] },
    },
    series: [
      {
        type: 'heatmap',
        name: 'test rows',
        data: cells,
        label: { show: true, formatter: (p: { value: number[] }) => String(p.value[2]) },
      },
    ],
  };
}

/** Where a chosen model's test predictions land, with its per-class precision, recall and F1. */
export function ConfusionMatrix(props: { models: ModelDetail[] }) {
  const [chosen, setChosen] = useState<string>('');
  const detail = props.models.find((m) => m.id === chosen) ?? props.models[0];
  const heatmap = useMemo(() => (detail === undefined ? {} : option(detail)), [detail]);
  if (detail === undefined)
    return <EmptyState>Tick a model in the table above to see its confusion matrix.</EmptyState>;
  return (
    <div>
      <label>
        Model{' '}
        <select
          name="confusion-model"
          value={detail.id}
          onChange={(e) => setChosen(e.currentTarget.value)}
        >
          {props.models.map((m) => (
            <option key={m.id} value={m.id}>
              {m.id}
            </option>
          ))}
        </select>
      </label>
      {detail.test === null ? (
        <EmptyState>{detail.id} was saved without test metrics.</EmptyState>
      ) : (
        <div class="charts two">
          <Chart
            name="confusion"
            label={`Confusion matrix of ${detail.id}: true class by row, predicted by column`}
            option={heatmap}
            height={300}
          />
          <div class="table-scroll">
            <table class="summary" data-table="per-class">
              <caption>
                {detail.id}: {detail.test.n.toLocaleString('en-US')} test rows
              </caption>
              <thead>
                <tr>
                  <th scope="col">Class</th>
                  <th scope="col">Precision</th>
                  <th scope="col">Recall</th>
                  <th scope="col">F1</th>
                  <th scope="col">Rows</th>
                </tr>
              </thead>
              <tbody>
                {detail.test.perClass.map((c) => (
                  <tr key={c.label}>
                    <th scope="row">{c.label}</th>
                    <td>{percent(c.precision)}</td>
                    <td>{percent(c.recall)}</td>
                    <td>{percent(c.f1)}</td>
                    <td>{c.support}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </div>
  );
}
