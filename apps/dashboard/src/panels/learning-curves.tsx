import type { ModelDetail, TrainingJobView } from '@newscell/contracts';
import { useMemo } from 'preact/hooks';
import { Chart } from '../charts/chart.js';
import type { EChartsCoreOption } from '../charts/echarts.js';
import { percent } from '../model/format.js';

/** One run's curve: a saved model's history or a training job's (live) one. */
export interface Curve {
  name: string;
  live: boolean;
  points: { epoch: number; loss: number; valAccuracy: number | null }[];
}

export function modelCurve(detail: ModelDetail): Curve {
  return {
    name: detail.id,
    live: false,
    points: (detail.training?.history ?? []).map((e) => ({
      epoch: e.epoch,
      loss: e.loss,
      valAccuracy: e.validationAccuracy,
    })),
  };
}

export function jobCurve(job: TrainingJobView): Curve {
  return {
    name: `job ${job.id} · ${job.name}`,
    live: job.state === 'active',
    points: job.history.map((e) => ({ epoch: e.epoch, loss: e.loss, valAccuracy: e.valAccuracy })),
  };
}

function option(curves: Curve[], metric: 'loss' | 'valAccuracy'): EChartsCoreOption {
  const accuracy = metric === 'valAccuracy';
  return {
    title: {
      text: accuracy ? 'Validation accuracy per epoch' : 'Training loss per epoch',
      left: 0,
      textStyle: { fontSize: 14 },
    },
    legend: { type: 'scroll', top: 24 },
    grid: { left: 52, right: 16, top: 60, bottom: 36 },
    tooltip: {
      trigger: 'axis',
      valueFormatter: (v: number) => (accuracy ? percent(v) : v.toFixed(3)),
    },
    xAxis: { type: 'value', name: 'epoch', nameLocation: 'middle', nameGap: 24, minInterval: 1 },
    yAxis: {
      type: 'value',
      scale: true,
      ...(accuracy ? { axisLabel: { formatter: (v: number) => percent(v, 0) } } : {}),
    },
    series: curves.map((c) => ({
      type: 'line',
      name: c.live ? `${c.name} (live)` : c.name,
      showSymbol: true,
      lineStyle: c.live ? { type: 'dashed' } : {},
      data: c.points.flatMap((p) => {
        const y = accuracy ? p.valAccuracy : p.loss;
        return y === null ? [] : [[p.epoch, y]];
      }),
    })),
  };
}

/** Loss and validation accuracy per epoch of the chosen models and of the jobs training now. */
export function LearningCurves(props: { curves: Curve[] }) {
  const loss = useMemo(() => option(props.curves, 'loss'), [props.curves]);
  const accuracy = useMemo(() => option(props.curves, 'valAccuracy'), [props.curves]);
  return (
    <div class="charts two">
      <Chart name="loss" label="Training loss per epoch" option={loss} />
      <Chart name="val-accuracy" label="Validation accuracy per epoch" option={accuracy} />
    </div>
  );
}
