import { useEffect, useMemo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError } from '../../api/problem';
import { useHighlights, useSeries, type Coverage, type Highlight, type Highlights, type Series } from '../../api/stats';
import { EChart, preloadCharts, type EChartOption } from '../../components/EChart';
import { ErrorMessage, Loading } from '../../components/Status';
import { useDocumentTitle } from '../../components/UnderConstruction';
import { formatFraction, formatInteger } from '../../lib/format';
import { HIGHLIGHT_GROUPS, isRate, type HighlightGroupId } from '../../lib/indicators';
import { PlaceBar, usePlaceName } from '../place/PlaceBar';
import { placeSearch, usePlace, type Place } from '../place/usePlace';
import { UnitName } from '../../components/UnitName';
import { PublishPanel } from '../reports/PublishPanel';
import { HighlightCard } from './HighlightCard';
import { trendQuery } from './prefetch';

export function OverviewPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('overview.title'));
  const { state, update } = usePlace();
  const place = state.status === 'ready' ? state.place : undefined;
  const name = usePlaceName(place);

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('overview.title')}</h1>
      <p className="muted">{t('overview.intro')}</p>
      {state.status === 'loading' && <Loading />}
      {state.status === 'error' && <ErrorMessage error={state.error} onRetry={state.retry} />}
      {state.status === 'unknown-unit' && (
        <div className="alert alert-info" role="alert">
          <p>{t('units.detail.notFound', { code: state.unit })}</p>
        </div>
      )}
      {place && (
        <OverviewBody place={place} bar={<PlaceBar place={place} name={name} onChange={update} />} />
      )}
    </section>
  );
}

/**
 * The figures, with the place picker (`bar`) after the summary: on a phone the picker is a
 * screenful, and the summary is what most visits come for (issue 19 item 8).
 */
function OverviewBody({ place, bar }: { place: Place; bar: ReactNode }) {
  const highlights = useHighlights({ unit: place.unit, year: place.year, asOf: place.asOf });
  // Asked beside the highlights, not after them, and ECharts fetched meanwhile: on a slow link
  // each request in a chain costs a round trip.
  const series = useTrendSeries(place);
  useEffect(preloadCharts, []);
  const data = highlights.data;
  // The bar keeps its place among the children whatever the state, so a change of year never remounts it (and its focus).
  return (
    <>
      {data && <Summary data={data} place={place} />}
      {bar}
      <div aria-busy={highlights.isFetching} className={highlights.isPlaceholderData ? 'stale' : undefined}>
        {highlights.isPending && <Loading />}
        {highlights.isError && <OverviewError error={highlights.error} place={place} onRetry={() => void highlights.refetch()} />}
        {data && <HighlightGroups data={data} previous={previousCoverage(series.data, data.year)} />}
        {data && <Trend series={series} unitName={data.unit_name} />}
      </div>
    </>
  );
}

function OverviewError({ error, place, onRetry }: { error: unknown; place: Place; onRetry: () => void }) {
  const { t } = useTranslation();
  if (error instanceof ApiError && error.status === 404) {
    return (
      <div className="alert alert-info" role="alert">
        <p>{error.problem?.detail ?? error.message}</p>
        {place.oldOnly && place.year >= 2025 && <p>{t('place.afterReform')}</p>}
      </div>
    );
  }
  return <ErrorMessage error={error} onRetry={onRetry} />;
}

/** "Tỉnh Thái Bình · 2023", coverage, what the figures were computed from, and where to go next. */
export function Summary({ data, place }: { data: Highlights; place: Place }) {
  const { t } = useTranslation();
  const own = place.unit ?? 'VN';
  const computedElsewhere = data.computed_from.length !== 1 || data.computed_from[0] !== own;
  return (
    <div className="summary">
      <h2 className="summary-title">
        {data.unit_name} · {data.year}
      </h2>
      <p className="summary-facts">
        <span className="coverage" data-testid="coverage">
          {t('place.coverage', { counted: formatInteger(data.coverage.counted), expected: formatInteger(data.coverage.expected) })}
        </span>
        <span className="muted"> ({t('place.coverageReports', { n: formatInteger(data.coverage.reports), count: data.coverage.reports })})</span>
        {computedElsewhere && <ComputedFrom codes={data.computed_from} />}
      </p>
      {data.coverage.counted === 0 && <p className="alert alert-info">{t('place.coverageNone')}</p>}
      {data.coverage.counted > 0 && data.coverage.counted < data.coverage.expected && (
        <p className="note small">{t('place.coveragePartial')}</p>
      )}
      <p>
        <Link to={`/tuan-thu${placeSearch(place)}`}>{t('overview.toCompliance')} →</Link>
      </p>
      {/* Publishing names the unit the code meant that year: only where the figures are that unit's own
          (not a merged unit's former parts, which are published each on its own). */}
      {place.unit && !computedElsewhere && (
        <PublishPanel unit={place.unit} year={data.year} name={data.unit_name} approved={data.coverage.reports > 0} />
      )}
    </div>
  );
}

/** The units summed, by name: a few named, many counted (63 provinces' names say nothing more). */
function ComputedFrom({ codes }: { codes: string[] }) {
  const { t } = useTranslation();
  if (codes.length > 4) {
    return <span className="computed-from"> · {t('place.computedFromMany', { count: codes.length, n: formatInteger(codes.length) })}</span>;
  }
  return (
    <span className="computed-from">
      {' · '}
      {t('place.computedFromNames')}{' '}
      {codes.map((code, i) => (
        <span key={code}>
          {i > 0 && ', '}
          <UnitName code={code} />
        </span>
      ))}
    </span>
  );
}

/** The previous year's coverage, from the trend series (it covers the ten years up to this one). */
function previousCoverage(series: Series | undefined, year: number): Coverage | undefined {
  return series?.items.find((p) => p.year === year - 1)?.coverage;
}

function HighlightGroups({ data, previous }: { data: Highlights; previous: Coverage | undefined }) {
  const { t } = useTranslation();
  const groups = useMemo(() => {
    const byKey = new Map(data.items.map((i) => [i.key, i]));
    const used = new Set<string>();
    const out: { id: HighlightGroupId; items: Highlight[] }[] = HIGHLIGHT_GROUPS.map((g) => ({
      id: g.id,
      items: g.keys.flatMap((k) => {
        const item = byKey.get(k);
        if (!item) return [];
        used.add(k);
        return [item];
      }),
    }));
    const rest = data.items.filter((i) => !used.has(i.key));
    if (rest.length) out.push({ id: 'other', items: rest });
    return out.filter((g) => g.items.length > 0);
  }, [data]);

  return (
    <>
      {groups.map((g) => (
        <section key={g.id} aria-labelledby={`group-${g.id}`} className="card-group">
          <h2 id={`group-${g.id}`}>{t(`overview.groups.${g.id}`)}</h2>
          {g.id === 'learning' && <p className="muted small">{t('target.decisions')}</p>}
          <ul className="cards">
            {g.items.map((item) => (
              <HighlightCard key={item.key} item={item} year={data.year} coverage={data.coverage} previous={previous} />
            ))}
          </ul>
        </section>
      ))}
    </>
  );
}

function useTrendSeries(place: Place) {
  return useSeries(trendQuery(place));
}

/** Membership rate over the ten years up to the chosen one. */
function Trend({ series, unitName }: { series: ReturnType<typeof useTrendSeries>; unitName: string }) {
  const { t } = useTranslation();
  const option = useMemo<EChartOption | null>(() => {
    const items = series.data?.items ?? [];
    if (!items.some((p) => isRate(p.value) && p.value.value !== null)) return null;
    return {
      grid: { left: 48, right: 16, top: 24, bottom: 32 },
      tooltip: {
        trigger: 'axis',
        valueFormatter: (v: unknown) => (typeof v === 'number' ? formatFraction(v / 100) : '—'),
      },
      xAxis: { type: 'category', data: items.map((p) => String(p.year)) },
      yAxis: {
        type: 'value',
        axisLabel: { formatter: (v: number) => `${formatInteger(v)}%` },
      },
      series: [
        {
          type: 'line',
          name: t('indicators.membership_rate'),
          connectNulls: false,
          symbolSize: 8,
          itemStyle: { color: '#a4221b' },
          data: items.map((p) => (isRate(p.value) && p.value.value !== null ? Math.round(p.value.value * 1000) / 10 : null)),
        },
      ],
    };
  }, [series.data, t]);

  if (!option) return null;
  return (
    <section aria-labelledby="trend-title" className="chart-box">
      <h2 id="trend-title">{t('overview.trend')}</h2>
      <EChart
        option={option}
        height={260}
        label={t('overview.trendLabel', { indicator: t('indicators.membership_rate'), unit: unitName })}
      />
    </section>
  );
}
