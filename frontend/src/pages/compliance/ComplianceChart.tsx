import { MarkLineComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { EChart, type EChartOption } from '../../components/EChart';
import { formatFraction } from '../../lib/format';
import { ratePercent, type RateIndicator } from '../../lib/indicators';
import type { UnitRates } from './ComplianceTable';

echarts.use([MarkLineComponent]);

const COLORS = { met: '#1f7a3a', behind: '#b3261e', none: '#8a94a3' } as const;

/** The most common target among the rows (children share the national one unless they set their own). */
function commonTarget(units: readonly UnitRates[], rate: RateIndicator): number | null {
  const counts = new Map<number, number>();
  for (const u of units) {
    const tgt = u.rates[rate]?.target;
    if (tgt !== null && tgt !== undefined) counts.set(tgt, (counts.get(tgt) ?? 0) + 1);
  }
  let best: number | null = null;
  let n = 0;
  for (const [tgt, c] of counts) {
    if (c > n) {
      best = tgt;
      n = c;
    }
  }
  return best;
}

/** Horizontal bars of one rate per child unit, coloured by target status, with the target line. */
export function ComplianceChart({
  units,
  rate,
  label,
}: {
  units: readonly UnitRates[];
  rate: RateIndicator;
  label: string;
}) {
  const { t } = useTranslation();
  const target = commonTarget(units, rate);
  // Only units with a value; highest on top (ECharts draws the first category at the bottom).
  const rows = useMemo(
    () =>
      units
        .map((u) => ({ u, v: ratePercent(u.rates[rate]?.value) }))
        .filter((r): r is { u: UnitRates; v: number } => r.v !== null)
        .sort((a, b) => a.v - b.v),
    [units, rate],
  );
  const compact = typeof window !== 'undefined' && window.innerWidth < 600;
  const option = useMemo<EChartOption>(() => {
    const pct = (v: number) => formatFraction(v / 100);
    return {
      grid: { left: 8, right: compact ? 16 : 56, top: 28, bottom: 24, containLabel: true },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        valueFormatter: (v: unknown) => (typeof v === 'number' ? pct(v) : '—'),
      },
      xAxis: {
        type: 'value',
        min: 0,
        max: (e: { max: number }) => Math.min(100, Math.max(e.max, (target ?? 0) * 100) + 5),
        axisLabel: { formatter: (v: number) => `${v}%` },
      },
      yAxis: {
        type: 'category',
        data: rows.map((r) => r.u.name),
        // Wrapped, never cut ("Thành phố Hà …" told nobody which city); the tooltip names it in full too.
        axisLabel: { width: compact ? 104 : 170, overflow: 'break', lineHeight: compact ? 12 : 14, fontSize: compact ? 11 : 12 },
      },
      series: [
        {
          type: 'bar',
          name: t(`indicators.${rate}`),
          barMaxWidth: 22,
          data: rows.map((r) => ({
            value: r.v,
            itemStyle: {
              color: COLORS[r.u.rates[rate]?.meets_target === true ? 'met' : r.u.rates[rate]?.meets_target === false ? 'behind' : 'none'],
            },
          })),
          label: {
            show: true,
            // On a phone the value goes inside the bar, clear of the target line.
            position: compact ? 'insideRight' : 'right',
            color: compact ? '#fff' : '#1d232b',
            fontSize: compact ? 10 : 12,
            formatter: (p: { value: number | null }) => (typeof p.value === 'number' ? pct(p.value) : ''),
          },
          markLine:
            target === null
              ? undefined
              : {
                  symbol: 'none',
                  silent: true,
                  lineStyle: { color: '#1d232b', type: 'dashed', width: 2 },
                  label: { formatter: t('compliance.targetLine', { value: formatFraction(target) }), position: 'end' },
                  data: [{ xAxis: target * 100 }],
                },
        },
      ],
    };
  }, [rows, rate, target, t, compact]);

  // Room for a name on two lines on a phone.
  const height = Math.max(160, rows.length * (compact ? 32 : 26) + 60);
  const hidden = units.length - rows.length;
  return (
    <>
      {target === null && <p className="muted small">{t('compliance.noTargetForRate')}</p>}
      {hidden > 0 && <p className="muted small">{t('compliance.chartHidden', { n: hidden, count: hidden })}</p>}
      {rows.length > 0 && <EChart option={option} label={label} height={height} />}
    </>
  );
}
