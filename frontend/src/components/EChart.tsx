/**
 * A chart drawn by Apache ECharts, loaded on demand: ECharts is about half of the dashboard's
 * script, and the sign-in form and the overview's figures must not wait for it on a slow link.
 * Until it arrives, a box of the chart's height holds the place, so the page does not jump.
 */
import type { EChartsCoreOption } from 'echarts/core';
import { lazy, Suspense } from 'react';

export type EChartOption = EChartsCoreOption;

const load = () => import('./EChartCanvas');
const Canvas = lazy(load);

/** Starts fetching ECharts before a chart needs it (the overview calls this with its first request). */
export function preloadCharts(): void {
  void load();
}

interface Props {
  option: EChartOption;
  /** What the chart shows, for screen readers (ECharts also adds its own description). */
  label: string;
  height?: number;
}

export function EChart({ option, label, height = 320 }: Props) {
  return (
    <Suspense fallback={<div role="img" aria-label={label} aria-busy="true" style={{ width: '100%', height }} />}>
      <Canvas option={option} label={label} height={height} />
    </Suspense>
  );
}
