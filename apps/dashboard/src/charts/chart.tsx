import { useEffect, useRef } from 'preact/hooks';
import { type EChartsCoreOption, echarts } from './echarts.js';

export interface ChartProps {
  /** Names the chart for people (aria-label) and for tests (`data-chart`). */
  name: string;
  label: string;
  option: EChartsCoreOption;
  /** @defaultValue 280 */
  height?: number;
}

/** One ECharts instance, resized with its box and replaced wholesale when `option` changes. */
export function Chart({ name, label, option, height = 280 }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    const element = box.current;
    if (element === null) return;
    const instance = echarts.init(element, null, { renderer: 'svg' });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(element);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    const common = { aria: { enabled: true }, animation: false };
    // An option with media queries keeps its shared part under baseOption.
    const full =
      'baseOption' in option
        ? { ...option, baseOption: { ...common, ...(option.baseOption as object) } }
        : { ...common, ...option };
    chart.current?.setOption(full, true);
  }, [option]);

  return (
    <div
      class="chart"
      data-chart={name}
      role="img"
      aria-label={label}
      ref={box}
      style={{ height: `${height}px` }}
    />
  );
}
