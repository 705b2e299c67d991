/**
 * One row per child unit, one column per rate; each rate cell coloured by whether it meets its
 * target (and saying so in words for screen readers). Sortable by any column; a row opens the
 * units below it.
 */
import { useMemo, useState, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Coverage, IndicatorRow } from '../../api/stats';
import { formatFraction, formatInteger, formatPercent, formatPoints } from '../../lib/format';
import { isRate, isRateIndicator, RATE_INDICATORS, type RateIndicator } from '../../lib/indicators';

export interface UnitRates {
  code: string;
  name: string;
  coverage: Coverage | null;
  rates: Partial<Record<RateIndicator, IndicatorRow>>;
}

/** Rows of /stats/indicators (one per unit × indicator) → one entry per unit, in the API's order. */
export function groupByUnit(items: readonly IndicatorRow[]): UnitRates[] {
  const out = new Map<string, UnitRates>();
  for (const row of items) {
    let u = out.get(row.unit_code);
    if (!u) {
      u = { code: row.unit_code, name: row.unit_name, coverage: row.coverage, rates: {} };
      out.set(row.unit_code, u);
    }
    if (isRateIndicator(row.indicator)) u.rates[row.indicator] = row;
  }
  return [...out.values()];
}

export type SortKey = 'unit' | 'coverage' | RateIndicator;
export interface Sort {
  key: SortKey;
  dir: 'asc' | 'desc';
}

function rateValue(u: UnitRates, k: RateIndicator): number | null {
  const v = u.rates[k]?.value;
  return isRate(v) ? v.value : null;
}

function coverageShare(u: UnitRates): number | null {
  return u.coverage && u.coverage.expected > 0 ? u.coverage.counted / u.coverage.expected : null;
}

/** Sorted copy; units without a value go last whichever the direction. */
export function sortUnits(units: readonly UnitRates[], sort: Sort | null): UnitRates[] {
  if (!sort) return [...units];
  const sign = sort.dir === 'asc' ? 1 : -1;
  const collator = new Intl.Collator('vi');
  return [...units].sort((a, b) => {
    if (sort.key === 'unit') return sign * collator.compare(a.name, b.name);
    const va = sort.key === 'coverage' ? coverageShare(a) : rateValue(a, sort.key);
    const vb = sort.key === 'coverage' ? coverageShare(b) : rateValue(b, sort.key);
    if (va === null && vb === null) return 0;
    if (va === null) return 1;
    if (vb === null) return -1;
    return sign * (va - vb) || collator.compare(a.name, b.name);
  });
}

function statusOf(row: IndicatorRow | undefined): 'met' | 'behind' | 'none' {
  if (!row || row.meets_target === null) return 'none';
  return row.meets_target ? 'met' : 'behind';
}

function RateCell({ row }: { row: IndicatorRow | undefined }) {
  const { t } = useTranslation();
  const status = statusOf(row);
  const value = row?.value;
  const text = isRate(value) ? formatPercent(value) : '—';
  const target = row?.target ?? null;
  const title =
    row && target !== null
      ? `${t('target.target', { value: formatFraction(target) })}${row.gap !== null ? ` · ${formatPoints(row.gap)}` : ''}`
      : undefined;
  return (
    <td className={`num rate rate-${status}`} title={title} data-status={status}>
      {text}
      {status !== 'none' && (
        <span className="visually-hidden">
          {' '}
          ({status === 'met' ? t('target.cellMet', { target: formatFraction(target) }) : t('target.cellBehind', { target: formatFraction(target) })})
        </span>
      )}
    </td>
  );
}

function CoverageCell({ coverage }: { coverage: Coverage | null }) {
  if (!coverage) return <td className="num">—</td>;
  const full = coverage.expected > 0 && coverage.counted >= coverage.expected;
  return (
    <td className={full ? 'num nowrap' : 'num nowrap partial'}>
      {formatInteger(coverage.counted)}/{formatInteger(coverage.expected)}
    </td>
  );
}

export function ComplianceTable({
  units,
  total,
  caption,
  hrefFor,
  onOpen,
}: {
  units: readonly UnitRates[];
  total?: UnitRates | undefined;
  caption: string;
  /** Where a unit's row leads (its own children), or null when it has none to show. */
  hrefFor: (u: UnitRates) => string | null;
  onOpen: (u: UnitRates) => void;
}) {
  const { t } = useTranslation();
  const [sort, setSort] = useState<Sort | null>(null);
  const sorted = useMemo(() => sortUnits(units, sort), [units, sort]);

  function toggle(key: SortKey) {
    setSort((s) =>
      s?.key === key ? { key, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: key === 'unit' ? 'asc' : 'desc' },
    );
  }

  function header(key: SortKey, label: string, full: string, className?: string) {
    const active = sort?.key === key;
    return (
      <th
        scope="col"
        className={className}
        aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
      >
        <button type="button" className="sort" onClick={() => toggle(key)} title={t('compliance.sortBy', { col: full })}>
          <span>{label}</span>
          <span className="sort-mark" aria-hidden="true">
            {active ? (sort.dir === 'asc' ? '▲' : '▼') : '↕'}
          </span>
        </button>
      </th>
    );
  }

  function onRowClick(e: MouseEvent<HTMLTableRowElement>, u: UnitRates) {
    // The link in the row handles its own clicks (and keyboard); elsewhere the row opens it.
    if ((e.target as HTMLElement).closest('a, button')) return;
    if (hrefFor(u) !== null) onOpen(u);
  }

  return (
    <div className="table-wrap">
      <table className="data compliance">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {header('unit', t('compliance.col.unit'), t('compliance.col.unit'))}
            {header('coverage', t('compliance.col.coverage'), t('compliance.col.coverage'), 'num')}
            {RATE_INDICATORS.map((k) => (
              <th key={k} scope="col" className="num" aria-sort={sort?.key === k ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
                <button type="button" className="sort" onClick={() => toggle(k)} title={t('compliance.sortBy', { col: t(`indicators.${k}`) })}>
                  <abbr title={t(`indicators.${k}`)}>{t(`indicatorsShort.${k}`)}</abbr>
                  <span className="sort-mark" aria-hidden="true">
                    {sort?.key === k ? (sort.dir === 'asc' ? '▲' : '▼') : '↕'}
                  </span>
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {sorted.map((u) => {
            const href = hrefFor(u);
            return (
              <tr key={u.code} className={href ? 'clickable' : undefined} onClick={(e) => onRowClick(e, u)}>
                <th scope="row" className="unit-cell">
                  {href ? (
                    <Link to={href} title={t('compliance.drill', { name: u.name })}>
                      {u.name}
                    </Link>
                  ) : (
                    u.name
                  )}{' '}
                  <span className="mono muted small">{u.code}</span>
                </th>
                <CoverageCell coverage={u.coverage} />
                {RATE_INDICATORS.map((k) => (
                  <RateCell key={k} row={u.rates[k]} />
                ))}
              </tr>
            );
          })}
        </tbody>
        {total && (
          <tfoot>
            <tr>
              <th scope="row" className="unit-cell">
                {total.code === 'VN' ? total.name : t('compliance.total', { unit: total.name })}
              </th>
              <CoverageCell coverage={total.coverage} />
              {RATE_INDICATORS.map((k) => (
                <RateCell key={k} row={total.rates[k]} />
              ))}
            </tr>
          </tfoot>
        )}
      </table>
    </div>
  );
}

export function TargetLegend() {
  const { t } = useTranslation();
  return (
    <ul className="legend" aria-label={t('target.decisions')}>
      <li>
        <span className="swatch rate-met" aria-hidden="true" /> {t('target.legendMet')}
      </li>
      <li>
        <span className="swatch rate-behind" aria-hidden="true" /> {t('target.legendBehind')}
      </li>
      <li>
        <span className="swatch rate-none" aria-hidden="true" /> {t('target.legendNone')}
      </li>
    </ul>
  );
}
