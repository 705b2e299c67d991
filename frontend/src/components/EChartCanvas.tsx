/**
 * A thin React wrapper around Apache ECharts (no extra wrapper package): it creates the chart
 * on mount, applies `option` whenever it changes, follows the container's size and disposes
 * on unmount. Callers register the chart types they use with `echarts.use([...])` (tree-shaken).
 * Loaded on demand through ./EChart, which keeps ECharts out of the first script.
 */
import { BarChart, LineChart } from 'echarts/charts';
import { DatasetComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([BarChart, LineChart, GridComponent, TooltipComponent, LegendComponent, DatasetComponent, SVGRenderer]);

interface Props {
  option: echarts.EChartsCoreOption;
  /** What the chart shows, for screen readers (ECharts also adds its own description). */
  label: string;
  height?: number;
}

export default function EChartCanvas({ option, label, height = 320 }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const instance = echarts.init(el, undefined, { renderer: 'svg', locale: 'EN' });
    chart.current = instance;
    const observer = typeof ResizeObserver !== 'undefined' ? new ResizeObserver(() => instance.resize()) : null;
    observer?.observe(el);
    return () => {
      observer?.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption({ aria: { enabled: true }, ...option }, { notMerge: true });
  }, [option]);

  return <div ref={ref} role="img" aria-label={label} style={{ width: '100%', height }} />;
}
