/** Thống kê: recognition rates by title beside the 387/677 targets, and the points per index. */
import { useTranslation } from 'react-i18next';
import { useRates, type RegFilters } from '../../api/recognition';
import { ErrorMessage, Loading } from '../../components/Status';
import { formatFraction, formatInteger } from '../../lib/format';
import { DistributionChart } from './DistributionChart';
import { bandLabel, titleLabel } from './parts';

interface TargetLike {
  year: number;
  variant: string;
  value: number;
}

/** The target that applies to a year: the first set for that year or later (the plain one, not staff). */
export function targetFor(targets: readonly TargetLike[], year: number): TargetLike | null {
  const plain = targets.filter((x) => x.variant === '').sort((a, b) => a.year - b.year);
  return plain.find((x) => x.year >= year) ?? null;
}

export function StatsTab({ filters }: { filters: RegFilters }) {
  const { t } = useTranslation();
  const rates = useRates(filters.unit, filters.year);
  if (!filters.unit) return <p className="alert alert-info">{t('recognition.stats.needsUnit')}</p>;
  const rows = rates.data?.rates ?? [];
  return (
    <div className="recog-stats">
      <section aria-labelledby="recog-rates">
        <h3 id="recog-rates">{t('recognition.stats.rates')}</h3>
        {rates.isPending && <Loading />}
        {rates.isError && <ErrorMessage error={rates.error} onRetry={() => void rates.refetch()} />}
        {rates.data && <p className="muted small">{t('recognition.stats.keeping', { count: rates.data.units_keeping_records })}</p>}
        {rows.length > 0 && (
          <div className="table-wrap">
            <table className="data recog-rates registry-table" role="table">
              <caption className="visually-hidden">{t('recognition.stats.ratesCaption')}</caption>
              <thead role="rowgroup">
                <tr role="row">
                  <th scope="col" role="columnheader">
                    {t('recognition.col.title')}
                  </th>
                  <th scope="col" role="columnheader" className="num">
                    {t('recognition.stats.registered')}
                  </th>
                  <th scope="col" role="columnheader" className="num">
                    {t('recognition.stats.assessed')}
                  </th>
                  <th scope="col" role="columnheader" className="num">
                    {t('recognition.stats.recognised')}
                  </th>
                  <th scope="col" role="columnheader" className="num">
                    {t('recognition.stats.rate')}
                  </th>
                  <th scope="col" role="columnheader" className="num">
                    {t('recognition.stats.target')}
                  </th>
                </tr>
              </thead>
              <tbody role="rowgroup">
                {rows.map((r) => {
                  const target = targetFor(r.targets, filters.year);
                  const tone = target && r.rate !== null ? (r.rate >= target.value ? 'badge-met' : 'badge-behind') : '';
                  return (
                    <tr key={`${r.title}-${r.target_group ?? ''}`} role="row">
                      <th scope="row" role="rowheader" className="title-col">{titleLabel(t, { title: r.title as 'gia_dinh', target_group: r.target_group as 'nong_dan' | null })}</th>
                      <td role="cell" className="num" data-label={t('recognition.stats.registered')}>
                        {formatInteger(r.registered)}
                      </td>
                      <td role="cell" className="num" data-label={t('recognition.stats.assessed')}>
                        {formatInteger(r.assessed)}
                      </td>
                      <td role="cell" className="num" data-label={t('recognition.stats.recognised')}>
                        {formatInteger(r.recognised)}
                      </td>
                      <td role="cell" className="num" data-label={t('recognition.stats.rate')}>
                        {r.rate === null ? '—' : <span className={`badge ${tone}`}>{formatFraction(r.rate)}</span>}
                      </td>
                      <td role="cell" className="num nowrap" data-label={t('recognition.stats.target')}>
                        {target ? `${formatFraction(target.value)} (${target.year})` : t('recognition.stats.noTarget')}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {rows
        .filter((r) => r.ratings && Object.values(r.ratings).some((n) => n > 0))
        .map((r) => (
          <section key={`bands-${r.title}`} aria-labelledby={`recog-bands-${r.title}`}>
            <h3 id={`recog-bands-${r.title}`}>{t('recognition.stats.ratings')}</h3>
            <ul className="recog-bands" data-testid="recog-bands">
              {Object.entries(r.ratings ?? {}).map(([code, n]) => (
                <li key={code}>
                  <strong>{bandLabel(t, code)}</strong>: {formatInteger(n)} ({formatInteger(r.recognised_ratings?.[code] ?? 0)})
                </li>
              ))}
            </ul>
          </section>
        ))}
      <DistributionChart filters={filters} />
    </div>
  );
}
