import type { ModelDetail, ModelSummary } from '@newscell/contracts';
import { useMemo } from 'preact/hooks';
import { Chart } from '../charts/chart.js';
import type { EChartsCoreOption } from '../charts/echarts.js';
import { type CellStats, cellStats } from '../model/cell-stats.js';
import { CELL_COLOURS, CELLS } from '../model/cells.js';
import { count, percent } from '../model/format.js';
import { REFERENCE_RESULTS } from '../model/reference-results.js';
import { type ShareAxis, shareAxis } from '../model/share-axis.js';
import { trainingRows } from '../state/use-registry.js';

const BAR_WIDTH = 0.3;
const BAR_GAP = 0.1;

/** Whiskers of mean ± sd, drawn over the bar of series `seriesIndex` of two side-by-side bars. */
function errorBars(stats: CellStats[], key: 'accuracy' | 'macroF1', seriesIndex: number) {
  const offset = (seriesIndex === 0 ? -1 : 1) * (BAR_WIDTH / 2 + (BAR_WIDTH * BAR_GAP) / 2);
  return {
    type: 'custom',
    name: `${key} ± sd`,
    silent: true,
    z: 10,
    data: stats.flatMap((s, i) => {
      const { mean, sd } = s[key];
      // A share cannot leave 0..1, whatever a symmetric spread says.
      return mean === null || sd === null
        ? []
        : [[i, Math.max(0, mean - sd), Math.min(1, mean + sd)]];
    }),
    renderItem: (
      _params: unknown,
      api: {
        value: (dim: number) => number;
        coord: (point: number[]) => number[];
        size: (value: number[]) => number[];
        style: (extra: object) => object;
      },
    ) => {
      const category = api.value(0);
      const band = api.size([1, 0])[0] ?? 0;
      const [x = 0, low = 0] = api.coord([category, api.value(1)]);
      const [, high = 0] = api.coord([category, api.value(2)]);
      const cx = x + offset * band;
      const cap = band * 0.05;
      const style = { stroke: '#222', lineWidth: 1.5 };
      return {
        type: 'group',
        children: [
          { type: 'line', shape: { x1: cx, y1: low, x2: cx, y2: high }, style },
          { type: 'line', shape: { x1: cx - cap, y1: low, x2: cx + cap, y2: low }, style },
          { type: 'line', shape: { x1: cx - cap, y1: high, x2: cx + cap, y2: high }, style },
        ],
      };
    },
  };
}

/**
 * The quality chart's axis: fitted to the bars, their whiskers and the reference lines, so that
 * cells a point apart look a point apart.
 */
export function qualityAxis(stats: CellStats[]): ShareAxis {
  const values: (number | null)[] = REFERENCE_RESULTS.map((r) => r.accuracy);
  for (const s of stats) {
    for (const key of ['accuracy', 'macroF1'] as const) {
      const { mean, sd } = s[key];
      values.push(mean, mean === null || sd === null ? null : mean - sd);
      values.push(mean === null || sd === null ? null : mean + sd);
    }
  }
  return shareAxis(values);
}

/** `value axis` options for a share axis: bounds, round ticks, labels that never repeat. */
function shareAxisOption(axis: ShareAxis) {
  return {
    type: 'value',
    min: axis.min,
    max: axis.max,
    interval: axis.interval,
    axisLabel: { formatter: (v: number) => percent(v, axis.decimals) },
  };
}

function qualityOption(stats: CellStats[]): EChartsCoreOption {
  const bar = (key: 'accuracy' | 'macroF1', name: string, colour: string) => ({
    type: 'bar',
    name,
    barWidth: `${BAR_WIDTH * 100}%`,
    barGap: `${BAR_GAP * 100}%`,
    itemStyle: { color: colour },
    label: {
      show: true,
      position: 'insideBottom',
      color: '#fff',
      fontSize: 11,
      formatter: (p: { value: number }) => percent(p.value),
    },
    data: stats.map((s) => s[key].mean),
  });
  const accuracy = bar('accuracy', 'test accuracy', '#3b6ea8');
  const axis = qualityAxis(stats);
  const base = {
    title: {
      text: 'Test accuracy and macro-F1 per cell',
      // A bar chart whose axis does not start at 0 exaggerates differences: say so in its title.
      subtext: axis.fitted ? `axis from ${percent(axis.min, axis.decimals)}, not 0%` : '',
      left: 0,
      textStyle: { fontSize: 14 },
      subtextStyle: { color: '#a0522d', fontWeight: 'bold' },
    },
    // The whisker series stay out of the legend: they belong to their bars.
    legend: { top: 22, right: 0, data: ['test accuracy', 'macro-F1'] },
    grid: { left: 48, right: 190, top: 64, bottom: 28 },
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => percent(v) },
    xAxis: { type: 'category', data: stats.map((s) => `${s.cell} (n=${s.models})`) },
    yAxis: shareAxisOption(axis),
    series: [
      {
        ...accuracy,
        markLine: {
          symbol: 'none',
          silent: true,
          lineStyle: { type: 'dashed', color: '#888' },
          label: { position: 'end', formatter: '{b}', color: '#444', fontSize: 11 },
          // Close references (92.4% and 92.5%) get their labels above and below the line.
          data: REFERENCE_RESULTS.map((r, i) => ({
            name: `${r.name} ${percent(r.accuracy)} · ${count(r.trainingRows)} rows`,
            yAxis: r.accuracy,
            label: { offset: [0, i === 1 ? 4 : i === 2 ? -8 : 0] },
          })),
        },
      },
      bar('macroF1', 'macro-F1', '#8fb3d9'),
      errorBars(stats, 'accuracy', 0),
      errorBars(stats, 'macroF1', 1),
    ],
  };
  return {
    baseOption: base,
    // On a phone the reference labels would squeeze the bars: the text above the chart names them.
    media: [
      {
        query: { maxWidth: 520 },
        option: {
          grid: { right: 12 },
          series: [{ markLine: { label: { show: false } } }],
        },
      },
    ],
  };
}

function scatterOption(models: ModelSummary[]): EChartsCoreOption {
  return {
    title: { text: 'Training time vs accuracy', left: 0, textStyle: { fontSize: 14 } },
    legend: { top: 24, right: 0 },
    grid: { left: 56, right: 24, top: 56, bottom: 40 },
    tooltip: {
      trigger: 'item',
      formatter: (p: { data: { name: string; value: number[] } }) =>
        `${p.data.name}<br>${p.data.value[0]?.toFixed(1)} s · ${percent(p.data.value[1])}`,
    },
    xAxis: { type: 'value', name: 'training seconds', nameLocation: 'middle', nameGap: 26 },
    yAxis: shareAxisOption(shareAxis(models.map((m) => m.accuracy))),
    series: CELLS.map((cell) => ({
      type: 'scatter',
      name: cell,
      symbolSize: 12,
      itemStyle: { color: CELL_COLOURS[cell] },
      data: models
        .filter((m) => m.cell === cell && m.trainingSeconds !== null && m.accuracy !== null)
        .map((m) => ({ name: m.id, value: [m.trainingSeconds, m.accuracy] })),
    })),
  };
}

function parametersOption(stats: CellStats[]): EChartsCoreOption {
  return {
    title: { text: 'Parameters (mean per cell)', left: 0, textStyle: { fontSize: 14 } },
    grid: { left: 72, right: 24, top: 44, bottom: 28 },
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => count(v) },
    xAxis: { type: 'category', data: stats.map((s) => s.cell) },
    yAxis: { type: 'value' },
    series: [
      {
        type: 'bar',
        name: 'mean parameters',
        label: { show: true, position: 'top', formatter: (p: { value: number }) => count(p.value) },
        data: stats.map((s) => ({
          value: s.parameterCount.mean,
          itemStyle: { color: CELL_COLOURS[s.cell] },
        })),
      },
    ],
  };
}

/** Training-set sizes of a cell's models, e.g. "4,000 rows" or "400–4,000 rows". */
function rowsOf(models: ModelSummary[], details: ReadonlyMap<string, ModelDetail>): string {
  const rows = models
    .map((m) => trainingRows(details.get(m.id)))
    .filter((r): r is number => r !== null);
  if (rows.length === 0) return 'training rows unknown';
  const low = Math.min(...rows);
  const high = Math.max(...rows);
  return low === high ? `${count(low)} rows` : `${count(low)}–${count(high)} rows`;
}

export function CellComparison(props: {
  models: ModelSummary[];
  details: ReadonlyMap<string, ModelDetail>;
}) {
  const scored = useMemo(() => props.models.filter((m) => m.accuracy !== null), [props.models]);
  const stats = useMemo(() => cellStats(scored), [scored]);
  const quality = useMemo(() => qualityOption(stats), [stats]);
  const scatter = useMemo(() => scatterOption(scored), [scored]);
  const parameters = useMemo(() => parametersOption(stats), [stats]);
  return (
    <div>
      <p class="muted">
        Bars are the mean over each cell's models, whiskers ± one standard deviation (two or more
        models). Dashed lines: published results (
        {REFERENCE_RESULTS.map((r) => `${r.name} ${percent(r.accuracy)}`).join(', ')}), all trained
        on the full 120,000 rows; your runs were trained on{' '}
        {stats.map((s, i) => (
          <span key={s.cell} data-rows={s.cell}>
            {i > 0 ? '; ' : ''}
            {s.cell}:{' '}
            {rowsOf(
              scored.filter((m) => m.cell === s.cell),
              props.details,
            )}
          </span>
        ))}
        .
      </p>
      <div class="charts">
        <div class="wide">
          <Chart
            name="quality"
            label="Test accuracy and macro-F1 per cell type"
            option={quality}
            height={340}
          />
        </div>
        <Chart
          name="time-vs-accuracy"
          label="Training time against test accuracy, one point per model"
          option={scatter}
          height={320}
        />
        <Chart name="parameters" label="Mean parameter count per cell type" option={parameters} />
      </div>
      <div class="table-scroll">
        <table class="summary" data-table="cells">
          <caption>Per cell: mean ± standard deviation over its models</caption>
          <thead>
            <tr>
              <th scope="col">Cell</th>
              <th scope="col">Models</th>
              <th scope="col">Accuracy</th>
              <th scope="col">Macro-F1</th>
              <th scope="col">Training time</th>
              <th scope="col">Parameters</th>
            </tr>
          </thead>
          <tbody>
            {stats.map((s) => (
              <tr key={s.cell} data-cell={s.cell}>
                <th scope="row">{s.cell}</th>
                <td>{s.models}</td>
                <td data-col="accuracy">
                  {percent(s.accuracy.mean)}
                  {s.accuracy.sd === null ? '' : ` ± ${percent(s.accuracy.sd)}`}
                </td>
                <td data-col="macroF1">
                  {percent(s.macroF1.mean)}
                  {s.macroF1.sd === null ? '' : ` ± ${percent(s.macroF1.sd)}`}
                </td>
                <td>
                  {s.trainingSeconds.mean === null ? '—' : `${s.trainingSeconds.mean.toFixed(1)} s`}
                </td>
                <td>{count(s.parameterCount.mean)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
