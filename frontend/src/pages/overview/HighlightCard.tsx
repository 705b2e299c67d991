import { useTranslation } from 'react-i18next';
import type { Coverage, Highlight } from '../../api/stats';
import { formatInteger, formatPointsAbs, formatVnd } from '../../lib/format';
import {
  formatChange,
  formatIndicatorShort,
  formatTarget,
  gapPoints,
  isIndicatorName,
  isMoney,
  isRate,
} from '../../lib/indicators';

/** The indicator's label in the interface language (the API's Vietnamese label for unknown ones). */
export function useIndicatorLabel() {
  const { t } = useTranslation();
  return (key: string, apiLabel?: string) => (isIndicatorName(key) ? t(`indicators.${key}`) : (apiLabel ?? key));
}

/** Whether a change is up, down or flat (for the arrow). */
function direction(change: number | null): 'up' | 'down' | 'flat' {
  if (change === null || Math.abs(change) < 1e-9) return 'flat';
  return change > 0 ? 'up' : 'down';
}

/** One headline figure: value, last year's change, and for rates with a target, met or behind. */
export function HighlightCard({
  item,
  year,
  coverage,
  previous,
}: {
  item: Highlight;
  year: number;
  /** Communes counted this year and the year before: the change is withheld when they differ. */
  coverage?: Coverage;
  previous?: Coverage;
}) {
  const { t } = useTranslation();
  const label = useIndicatorLabel()(item.key, item.label);
  const value = item.value;
  const hasTarget = item.target !== null && item.meets_target !== null;
  const gap = gapPoints(value, item.target);
  const dir = direction(item.change_vs_previous_year);
  const status = hasTarget ? (item.meets_target ? 'met' : 'behind') : null;
  const titleId = `hl-${item.key}`;

  return (
    <li className={status ? `card card-${status}` : 'card'} aria-labelledby={titleId} data-key={item.key}>
      <h3 id={titleId} className="card-label">
        {label}
      </h3>
      <p className="card-value">{formatIndicatorShort(item.key, value)}</p>
      {isRate(value) && (
        <p className="card-sub mono">
          {t('overview.ofTotal', { numerator: formatInteger(value.numerator), denominator: formatInteger(value.denominator) })}
        </p>
      )}
      {typeof value === 'number' && isMoney(item.key) && Math.abs(value) >= 1e6 && (
        <p className="card-sub mono">{formatVnd(value)}</p>
      )}
      <p className={`card-change change-${dir}`}>
        {item.previous === null || item.change_vs_previous_year === null ? (
          <NoChange year={year} coverage={coverage} previous={previous} />
        ) : (
          <>
            <span aria-hidden="true">{dir === 'up' ? '▲ ' : dir === 'down' ? '▼ ' : '■ '}</span>
            {t('overview.vsPrevious', { year: year - 1, change: formatChange(item.key, item.kind, item.change_vs_previous_year) })}
          </>
        )}
      </p>
      {hasTarget && (
        <p className="card-target">
          <span className={`badge badge-${status}`}>{item.meets_target ? t('target.met') : t('target.behind')}</span>{' '}
          {t('target.target', { value: formatTarget(item.kind, item.key, item.target) })}
          {gap !== null && gap !== 0 && (
            <>
              {' · '}
              {gap >= 0 ? t('target.ahead', { points: formatPointsAbs(gap) }) : t('target.short', { points: formatPointsAbs(gap) })}
            </>
          )}
        </p>
      )}
    </li>
  );
}

const share = (c: Coverage) => `${formatInteger(c.counted)}/${formatInteger(c.expected)}`;

/**
 * Why there is no change to show: the year before has no figure at all, or it has some but from
 * other communes than this year (a change between unlike totals would mislead, so the API
 * withholds it): then both years' coverage is given.
 */
function NoChange({ year, coverage, previous }: { year: number; coverage?: Coverage; previous?: Coverage }) {
  const { t } = useTranslation();
  if (!previous || previous.counted === 0 || !coverage) return <>{t('overview.noPrevious', { year: year - 1 })}</>;
  // On a phone the reason is left out: said on every card it made the overview one 4,000-px column.
  return (
    <>
      {t('overview.notComparable', { year: year - 1 })}
      <span className="card-why">{t('overview.notComparableWhy', { year: year - 1, before: share(previous), now: share(coverage) })}</span>
    </>
  );
}
