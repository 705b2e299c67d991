import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { ApiError } from '../../api/problem';
import { fetchSummaryXlsx } from '../../api/reports';
import { downloadBlob, fetchIndicatorsCsv, useIndicators, type IndicatorsQuery } from '../../api/stats';
import { OLD_MAP_DATE, useUnit, type MapChoice } from '../../api/units';
import { ErrorMessage, Loading } from '../../components/Status';
import { useDocumentTitle } from '../../components/UnderConstruction';
import { formatInteger } from '../../lib/format';
import { isRateIndicator, RATE_INDICATORS, type RateIndicator } from '../../lib/indicators';
import { PlaceBar, usePlaceName } from '../place/PlaceBar';
import { placeSearch, usePlace, type Place } from '../place/usePlace';
import { ComplianceChart } from './ComplianceChart';
import { ComplianceTable, groupByUnit, TargetLegend, type UnitRates } from './ComplianceTable';

export function CompliancePage() {
  const { t } = useTranslation();
  useDocumentTitle(t('compliance.title'));
  const { state, update, search } = usePlace();
  const place = state.status === 'ready' ? state.place : undefined;
  const name = usePlaceName(place);

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('compliance.title')}</h1>
      <p className="muted">{t('compliance.intro')}</p>
      {state.status === 'loading' && <Loading />}
      {state.status === 'error' && <ErrorMessage error={state.error} onRetry={state.retry} />}
      {state.status === 'unknown-unit' && (
        <div className="alert alert-info" role="alert">
          <p>{t('units.detail.notFound', { code: state.unit })}</p>
        </div>
      )}
      {place && (
        <>
          <PlaceBar place={place} name={name} onChange={update} />
          <ComplianceBody place={place} name={name} search={search} />
        </>
      )}
    </section>
  );
}

function href(p: { unit: string | null; map: MapChoice; year: number }, all: boolean, rate: string | null): string {
  const q = new URLSearchParams(placeSearch(p).slice(1));
  if (all) q.set('status', 'all');
  if (rate) q.set('rate', rate);
  return `/tuan-thu?${q.toString()}`;
}

function ComplianceBody({ place, name, search }: { place: Place; name: string | undefined; search: URLSearchParams }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const all = search.get('status') === 'all';
  const rateParam = search.get('rate');
  const rate: RateIndicator = rateParam && isRateIndicator(rateParam) ? rateParam : 'learning_family_rate';
  const base: IndicatorsQuery = {
    unit: place.unit,
    year: place.year,
    asOf: place.asOf,
    status: all ? 'all' : 'approved',
    indicators: RATE_INDICATORS,
  };
  const children = useIndicators({ ...base, breakdown: true });
  const own = useIndicators(base);
  const unitInfo = useUnit(place.unit ?? '', place.unitDate, place.unit !== null);
  const isCommune = unitInfo.data?.level === 'commune';

  const units = useMemo(() => groupByUnit(children.data?.items ?? []), [children.data]);
  const total = useMemo(() => groupByUnit(own.data?.items ?? [])[0], [own.data]);
  const unitName = children.data?.unit_name ?? name ?? '';
  const childHref = (u: UnitRates) => href({ unit: u.code, map: place.map, year: place.year }, all, rateParam);

  function setParam(key: string, value: string | null) {
    const next = new URLSearchParams(search);
    if (value === null) next.delete(key);
    else next.set(key, value);
    void navigate({ search: `?${next.toString()}` });
  }

  return (
    <>
      <Trail place={place} all={all} rate={rateParam} />
      <div className="toolbar">
        <label className="check">
          <input type="checkbox" checked={all} onChange={(e) => setParam('status', e.target.checked ? 'all' : null)} />
          {t('compliance.includeUnapproved')}
        </label>
        <ExportButtons query={{ ...base, breakdown: true, indicators: undefined }} disabled={!children.isSuccess} />
      </div>

      {children.isPending && <Loading />}
      {children.isError &&
        (children.error instanceof ApiError && children.error.status === 404 ? (
          <div className="alert alert-info" role="alert">
            <p>{children.error.problem?.detail ?? children.error.message}</p>
            {place.oldOnly && place.year >= 2025 && <p>{t('place.afterReform')}</p>}
          </div>
        ) : (
          <ErrorMessage error={children.error} onRetry={() => void children.refetch()} />
        ))}

      {children.isSuccess && (
        <div aria-busy={children.isFetching} className={children.isPlaceholderData ? 'stale' : undefined}>
          <div className="list-head">
            <h2 id="children-title" className="list-title">
              {t('compliance.children')} · {unitName} · {place.year}
            </h2>
            <p className="count" role="status">
              {units.length > 0 ? t('compliance.rowsCount', { n: formatInteger(units.length), count: units.length }) : ''}
            </p>
          </div>
          {units.length === 0 && (
            <div className="empty">
              <p>{isCommune ? t('compliance.commune') : t('compliance.noChildren')}</p>
              {place.unit && (
                <p>
                  <Link to={`/bao-cao/${encodeURIComponent(place.unit)}/${place.year}`}>
                    {t('compliance.openReport', { year: place.year, name: unitName })}
                  </Link>
                </p>
              )}
            </div>
          )}
          <TargetLegend />
          <p className="muted small" data-testid="coverage-note">
            {t('compliance.coverageNote')}
          </p>
          <ComplianceTable
            units={units}
            total={total}
            caption={t('compliance.caption', { unit: unitName, year: place.year })}
            hrefFor={childHref}
            onOpen={(u) => void navigate(childHref(u))}
          />
          {units.length > 0 && (
            <section aria-labelledby="chart-title" className="chart-box">
              <div className="chart-head">
                <h2 id="chart-title">{t(`indicators.${rate}`)}</h2>
                <div className="field field-inline">
                  <label htmlFor="chart-rate">{t('compliance.chartRate')}</label>
                  <select id="chart-rate" value={rate} onChange={(e) => setParam('rate', e.target.value)}>
                    {RATE_INDICATORS.map((k) => (
                      <option key={k} value={k}>
                        {t(`indicators.${k}`)}
                      </option>
                    ))}
                  </select>
                </div>
              </div>
              <ComplianceChart
                units={units}
                rate={rate}
                label={t('compliance.chartLabel', { rate: t(`indicators.${rate}`), unit: unitName, year: place.year })}
              />
            </section>
          )}
          <p>
            <Link to={`/${placeSearch(place)}`}>{t('compliance.toOverview', { name: unitName })} →</Link>
          </p>
        </div>
      )}
    </>
  );
}

/** Toàn quốc › Tỉnh … › Huyện …: each step links to its own compliance page. */
function Trail({ place, all, rate }: { place: Place; all: boolean; rate: string | null }) {
  const { t } = useTranslation();
  const link = (unit: string | null) => href({ unit, map: place.map, year: place.year }, all, rate);
  return (
    <nav aria-label={t('compliance.up')} className="breadcrumb trail">
      <ol>
        <li>
          {place.unit === null ? <span aria-current="page">{t('place.wholeCountry')}</span> : <Link to={link(null)}>{t('place.wholeCountry')}</Link>}
        </li>
        {place.unit !== null && <TrailStep code={place.unit} asOf={place.unitDate} link={link} current />}
      </ol>
    </nav>
  );
}

function TrailStep({
  code,
  asOf,
  link,
  current = false,
}: {
  code: string;
  asOf: string;
  link: (unit: string) => string;
  current?: boolean;
}) {
  const unit = useUnit(code, asOf);
  const parent = unit.data?.parent_code ?? null;
  return (
    <>
      {parent && <TrailStep code={parent} asOf={asOf} link={link} />}
      <li>{current ? <span aria-current="page">{unit.data?.name ?? code}</span> : <Link to={link(code)}>{unit.data?.name ?? code}</Link>}</li>
    </>
  );
}

/** CSV of the indicators (every child, every indicator) and, for a unit, the reports' Excel summary. */
function ExportButtons({ query, disabled }: { query: IndicatorsQuery; disabled: boolean }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState<null | 'csv' | 'xlsx'>(null);
  const [error, setError] = useState<unknown>(null);
  const suffix = `${query.unit ?? 'VN'}-${query.year}${query.asOf === OLD_MAP_DATE ? '-ban-do-truoc-2025' : ''}`;

  async function run(kind: 'csv' | 'xlsx') {
    setBusy(kind);
    setError(null);
    try {
      if (kind === 'csv') {
        downloadBlob(await fetchIndicatorsCsv(query), `chi-tieu-${suffix}.csv`);
      } else if (query.unit) {
        downloadBlob(await fetchSummaryXlsx(query.unit, query.year, query.asOf), `tong-hop-bao-cao-${suffix}.xlsx`);
      }
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="csv">
      <div className="export-buttons">
        <button type="button" className="button" onClick={() => void run('csv')} disabled={disabled || busy !== null} aria-busy={busy === 'csv'}>
          <span aria-hidden="true">⤓</span> {busy === 'csv' ? t('compliance.exporting') : t('compliance.exportCsv')}
        </button>
        {query.unit && (
          <button type="button" className="button" onClick={() => void run('xlsx')} disabled={disabled || busy !== null} aria-busy={busy === 'xlsx'}>
            <span aria-hidden="true">⤓</span> {busy === 'xlsx' ? t('compliance.exporting') : t('compliance.exportXlsx')}
          </button>
        )}
      </div>
      {error !== null && <ErrorMessage error={error} title={t('compliance.exportFailed')} />}
    </div>
  );
}
