/**
 * Đối chiếu: each figure of the report that the registries can derive, beside what the
 * registries add up to, green where they agree and red where they do not; for a draft (or a
 * report still to create) a button fills those figures from the registries.
 */
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { fetchReconciliationCsv, isConflict, useReconciliation, useReportMutations, type LoadedReport } from '../../api/reports';
import { CsvButton } from '../../components/CsvButton';
import { ErrorMessage, Loading } from '../../components/Status';
import { formatInteger, formatSignedInteger, formatSignedVnd, formatVnd, MISSING } from '../../lib/format';
import { isMoneyField, isReportField } from '../../lib/reportFields';
import { tx } from '../../i18n/loose';

/** Where a figure's registry lives, to go and look. */
const REGISTRY_OF: Record<string, string> = {
  members: 'to-chuc-hoi',
  branches: 'to-chuc-hoi',
  boards: 'to-chuc-hoi',
  fund_raised_vnd: 'quy',
  fund_balance_vnd: 'quy',
  awards_count: 'khen-thuong',
  awards_vnd: 'khen-thuong',
  emulation_flags: 'thi-dua',
  medals: 'thi-dua',
  certificates_of_merit: 'thi-dua',
  inspections: 'kiem-tra',
};

export function ReconciliationPanel({
  unit,
  year,
  loaded,
  canPrefill,
  dirty,
  onDone,
  onReload,
}: {
  unit: string;
  year: number;
  loaded: LoadedReport;
  /** A draft (or no report yet) the user may change. */
  canPrefill: boolean;
  /** The form has changes not saved yet (a pre-fill would replace what is on the server). */
  dirty: boolean;
  onDone: (message: string | null) => void;
  onReload: () => Promise<unknown>;
}) {
  const { t } = useTranslation();
  const id = useId();
  const rec = useReconciliation(unit, year);
  const { prefill } = useReportMutations(unit, year);
  const [failure, setFailure] = useState<unknown>(null);
  const items = rec.data?.items ?? [];
  const disagree = items.filter((i) => !i.agrees);

  async function doPrefill() {
    setFailure(null);
    onDone(null);
    try {
      await prefill.mutateAsync({ etag: loaded.etag });
      onDone(t('reconciliation.prefilled'));
    } catch (e) {
      setFailure(e);
    }
  }

  const isMoney = (field: string) => isReportField(field) && isMoneyField(field);
  const money = (field: string, v: number | null | undefined) => (isMoney(field) ? formatVnd(v) : formatInteger(v));
  const signed = (field: string, v: number | null | undefined) => (isMoney(field) ? formatSignedVnd(v) : formatSignedInteger(v));

  return (
    <section className="reconciliation" aria-labelledby={`${id}-title`}>
      <div className="chart-head">
        <h2 id={`${id}-title`}>{t('reconciliation.title')}</h2>
        <CsvButton
          fetchCsv={() => fetchReconciliationCsv(unit, year)}
          filename={`doi-chieu-${unit}-${year}.csv`}
          disabled={!rec.isSuccess}
        />
      </div>
      <p className="muted small">{t('reconciliation.intro')}</p>
      {rec.isPending && <Loading />}
      {rec.isError && <ErrorMessage error={rec.error} onRetry={() => void rec.refetch()} />}
      {rec.isSuccess && (
        <>
          <p className={disagree.length ? 'recon-summary recon-summary-bad' : 'recon-summary recon-summary-ok'} role="status">
            {rec.data.report_status === null
              ? t('reconciliation.noReport')
              : disagree.length === 0
                ? t('reconciliation.allAgree', { n: items.length })
                : t('reconciliation.someDisagree', { n: disagree.length, total: items.length })}
          </p>
          <ul className="legend">
            <li>
              <span className="swatch rate-met" aria-hidden="true" /> {t('reconciliation.agree')}
            </li>
            <li>
              <span className="swatch rate-behind" aria-hidden="true" /> {t('reconciliation.disagree')}
            </li>
          </ul>
          <div className="table-wrap">
            <table className="data reconciliation-table">
              <caption className="visually-hidden">{t('reconciliation.caption', { unit, year })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('reconciliation.col.figure')}</th>
                  <th scope="col" className="num">
                    {t('reconciliation.col.report')}
                  </th>
                  <th scope="col" className="num">
                    {t('reconciliation.col.registry')}
                  </th>
                  <th scope="col" className="num">
                    {t('reconciliation.col.difference')}
                  </th>
                  <th scope="col">{t('reconciliation.col.state')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((item) => {
                  const label = isReportField(item.field) ? tx(t, `reportFields.${item.field}`) : item.label;
                  const cls = item.agrees ? 'recon-agree' : 'recon-disagree';
                  const slug = REGISTRY_OF[item.field];
                  return (
                    <tr key={item.field} className={cls} data-field={item.field}>
                      <th scope="row" className="recon-label">
                        {slug ? <Link to={`/so-dang-ky/${slug}?unit=${encodeURIComponent(unit)}`}>{label}</Link> : label}
                      </th>
                      <td className="num nowrap">{money(item.field, item.report)}</td>
                      <td className="num nowrap">{money(item.field, item.registry)}</td>
                      <td className="num nowrap">{item.difference === null ? MISSING : signed(item.field, item.difference)}</td>
                      <td className="nowrap">
                        <span className={item.agrees ? 'badge badge-met' : 'badge badge-behind'}>
                          {item.agrees ? t('reconciliation.agreeShort') : item.report === null ? t('reconciliation.missing') : t('reconciliation.disagreeShort')}
                        </span>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      )}
      {canPrefill && (
        <div className="prefill">
          {failure !== null &&
            (isConflict(failure) ? (
              <div className="alert alert-warning" role="alert">
                <p className="alert-title">{t('reports.form.conflictTitle')}</p>
                <p>{t('reconciliation.conflict')}</p>
                <button
                  type="button"
                  className="button button-primary"
                  onClick={() => {
                    setFailure(null);
                    void onReload();
                  }}
                >
                  {t('reports.form.reload')}
                </button>
              </div>
            ) : (
              <ErrorMessage error={failure} title={t('reconciliation.prefillFailed')} />
            ))}
          <button
            type="button"
            className="button button-primary"
            disabled={dirty || prefill.isPending}
            aria-busy={prefill.isPending}
            aria-describedby={`${id}-prefill-hint`}
            onClick={() => void doPrefill()}
          >
            {prefill.isPending ? t('reconciliation.prefilling') : t('reconciliation.prefill')}
          </button>
          <span id={`${id}-prefill-hint`} className="hint">
            {dirty ? t('reconciliation.saveFirst') : t('reconciliation.prefillHint')}
          </span>
        </div>
      )}
    </section>
  );
}
