/** The funds of a unit's subtree in a year: raised, disbursed, balance at the end of the year. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFundSummary } from '../../api/registries';
import { ErrorMessage } from '../../components/Status';
import { formatInteger, formatVnd, formatVndShort } from '../../lib/format';
import { useUnitLookup } from '../../components/UnitName';
import { currentYear, REFORM_YEAR } from '../place/usePlace';
import { yearsDesc } from './RegistryTab';

export function FundSummaryBox({ unit }: { unit: string | undefined }) {
  const { t } = useTranslation();
  const lookup = useUnitLookup(unit);
  // Last year; for a unit gone in the 2025 reform, its last year (2024).
  const fallback = lookup.data && !lookup.data.onNew ? Math.min(currentYear() - 1, REFORM_YEAR - 1) : currentYear() - 1;
  const [chosen, setYear] = useState<number | null>(null);
  const year = chosen ?? fallback;
  const summary = useFundSummary(lookup.isPending && unit ? undefined : unit, year);
  if (!unit) return <p className="muted small">{t('funds.summaryNeedsUnit')}</p>;
  const s = summary.data;
  return (
    <section className="panel summary-box" aria-labelledby="fund-summary-title">
      <div className="panel-head">
        <h3 id="fund-summary-title">{t('funds.summaryTitle')}</h3>
        <div className="field field-inline">
          <label htmlFor="fund-summary-year">{t('registries.f.year')}</label>
          <select id="fund-summary-year" value={year} onChange={(e) => setYear(Number(e.target.value))}>
            {yearsDesc().map((y) => (
              <option key={y} value={y}>
                {y}
              </option>
            ))}
          </select>
        </div>
      </div>
      {summary.isError && <ErrorMessage error={summary.error} onRetry={() => void summary.refetch()} />}
      <ul className="cards summary-cards" aria-busy={summary.isFetching}>
        {(
          [
            ['raised', s?.raised_vnd],
            ['disbursed', s?.disbursed_vnd],
            ['balance', s?.balance_vnd],
          ] as const
        ).map(([key, value]) => (
          <li key={key} className="card" aria-label={t(`funds.summary.${key}`, { year })}>
            <p className="card-label">{t(`funds.summary.${key}`, { year })}</p>
            <p className="card-value">{formatVndShort(value)}</p>
            <p className="card-sub">{formatVnd(value)}</p>
          </li>
        ))}
      </ul>
      {s && <p className="muted small">{t('funds.summary.funds', { n: formatInteger(s.funds) })}</p>}
    </section>
  );
}
