/** Points per index of a title's sheets (stats/distribution): the mean as % of the maximum, and the sheets below the floor. */
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { GROUPS, TITLES, useDistribution, type RegFilters, type TargetGroup, type Title } from '../../api/recognition';
import { EChart, type EChartOption } from '../../components/EChart';
import { ErrorMessage, Loading } from '../../components/Status';
import { formatFraction, formatInteger } from '../../lib/format';

const KEYS = TITLES.flatMap((ti) => (ti === 'cong_dan' ? GROUPS.map((g) => `${ti}:${g}`) : [ti]));

export function DistributionChart({ filters }: { filters: RegFilters }) {
  const { t } = useTranslation();
  const initial = filters.title === 'cong_dan' ? `cong_dan:${filters.target_group ?? 'nong_dan'}` : (filters.title ?? 'gia_dinh');
  const [key, setKey] = useState(initial);
  const [title, group] = key.split(':') as [Title, TargetGroup | undefined];
  const dist = useDistribution(filters.unit, filters.year, title, group);
  const indices = useMemo(() => dist.data?.indices ?? [], [dist.data]);
  const compact = typeof window !== 'undefined' && window.innerWidth < 600;

  const option = useMemo<EChartOption>(() => {
    const rows = [...indices].reverse(); // the first index on top
    return {
      grid: { left: 8, right: compact ? 16 : 48, top: 28, bottom: 24, containLabel: true },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        valueFormatter: (v: unknown) => (typeof v === 'number' ? formatFraction(v / 100) : '—'),
      },
      legend: { top: 0 },
      xAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: (v: number) => `${v}%` } },
      yAxis: {
        type: 'category',
        data: rows.map((r) => `${r.code} ${r.name}`),
        axisLabel: { width: compact ? 110 : 260, overflow: 'truncate', fontSize: compact ? 11 : 12 },
      },
      series: [
        {
          type: 'bar',
          name: t('recognition.stats.mean'),
          barMaxWidth: 18,
          data: rows.map((r) => ({
            value: r.mean === null ? null : Math.round((1000 * r.mean) / r.max_points) / 10,
            itemStyle: { color: '#1f5fa8' },
          })),
          label: { show: !compact, position: 'right', formatter: (p: { value: number | null }) => (p.value === null ? '' : formatFraction(p.value / 100)) },
        },
        {
          type: 'bar',
          name: t('recognition.stats.belowMinShare'),
          barMaxWidth: 18,
          itemStyle: { color: '#e0a21b' },
          data: rows.map((r) => (r.sheets ? Math.round((1000 * r.below_min) / r.sheets) / 10 : 0)),
        },
      ],
    };
  }, [indices, t, compact]);

  return (
    <section aria-labelledby="recog-dist" className="chart-box">
      <div className="chart-head">
        <h3 id="recog-dist">{t('recognition.stats.distribution')}</h3>
        <div className="field-inline">
          <label htmlFor="recog-dist-title">{t('recognition.stats.distributionFor')}</label>
          <select id="recog-dist-title" value={key} onChange={(e) => setKey(e.target.value)}>
            {KEYS.map((k) => {
              const [ti, g] = k.split(':') as [Title, TargetGroup | undefined];
              return (
                <option key={k} value={k}>
                  {t(`recognition.titles.${ti}`)}
                  {g ? ` · ${t(`recognition.groups.${g}`)}` : ''}
                </option>
              );
            })}
          </select>
        </div>
      </div>
      {dist.isPending && <Loading />}
      {dist.isError && <ErrorMessage error={dist.error} onRetry={() => void dist.refetch()} />}
      {dist.data && (
        <p className="muted small">
          {t('recognition.stats.sheets', { sheets: formatInteger(dist.data.sheets), passed: formatInteger(dist.data.passed), version: dist.data.version })}
        </p>
      )}
      {dist.data && dist.data.sheets === 0 && <p className="empty">{t('recognition.stats.noSheets')}</p>}
      {dist.data && dist.data.sheets > 0 && (
        <>
          <EChart option={option} label={t('recognition.stats.chartLabel')} height={Math.max(200, indices.length * (compact ? 44 : 36) + 60)} />
          <div className="table-wrap">
            <table className="data recog-dist-table registry-table" role="table">
              <caption className="visually-hidden">{t('recognition.stats.chartLabel')}</caption>
              <thead role="rowgroup">
                <tr role="row">
                  <th scope="col" role="columnheader">
                    {t('recognition.stats.index')}
                  </th>
                  <th scope="col" role="columnheader" className="num">
                    {t('recognition.stats.mean')}
                  </th>
                  <th scope="col" role="columnheader" className="num">
                    {t('recognition.stats.belowMin')}
                  </th>
                </tr>
              </thead>
              <tbody role="rowgroup">
                {indices.map((r) => (
                  <tr key={r.code} role="row">
                    <th scope="row" role="rowheader" className="title-col">
                      <span className="mono">{r.code}</span> {r.name}
                    </th>
                    <td role="cell" className="num" data-label={t('recognition.stats.mean')}>
                      {r.mean === null ? '—' : formatFraction(r.mean / r.max_points)}
                    </td>
                    <td role="cell" className="num" data-label={t('recognition.stats.belowMin')}>
                      {formatInteger(r.below_min)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
