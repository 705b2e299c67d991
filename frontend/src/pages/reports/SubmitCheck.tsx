/**
 * Before a report is submitted, the registries are read again: when some of its figures disagree
 * with them (đối chiếu), the user sees which, with both values, and confirms or goes back to fix
 * them. Submitting stays allowed: the registries may be the ones that are incomplete.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { unwrap } from '../../api/problem';
import type { ReconciliationItem } from '../../api/reports';
import { Dialog } from '../../components/Dialog';
import { formatInteger, formatVnd } from '../../lib/format';
import { isMoneyField, isReportField } from '../../lib/reportFields';
import { tx } from '../../i18n/loose';

export function useSubmitCheck(unit: string, year: number): { ask: () => Promise<boolean>; dialog: ReactNode } {
  const { t } = useTranslation();
  const id = useId();
  const qc = useQueryClient();
  const [disagree, setDisagree] = useState<ReconciliationItem[] | null>(null);
  const answer = useRef<(ok: boolean) => void>(() => undefined);

  async function ask(): Promise<boolean> {
    let items: ReconciliationItem[];
    try {
      const rec = await qc.fetchQuery({
        queryKey: ['reports', 'reconciliation', unit, year],
        queryFn: async ({ signal }) =>
          unwrap(
            await api.GET('/api/v1/reports/{unit_code}/{year}/reconciliation', {
              params: { path: { unit_code: unit, year } },
              signal,
            }),
          ),
        staleTime: 0,
      });
      items = rec.items.filter((i) => !i.agrees);
    } catch {
      // Without the registries to compare with, the API's own checks on submit still apply.
      return true;
    }
    if (items.length === 0) return true;
    setDisagree(items);
    return new Promise<boolean>((resolve) => {
      answer.current = resolve;
    });
  }

  function close(ok: boolean) {
    setDisagree(null);
    answer.current(ok);
  }

  const show = (field: string, v: number | null) =>
    isReportField(field) && isMoneyField(field) ? formatVnd(v) : formatInteger(v);

  const dialog = (
    <Dialog open={disagree !== null} title={t('submitCheck.title')} labelledBy={`${id}-title`} onClose={() => close(false)}>
      <p>{t('submitCheck.intro', { n: disagree?.length ?? 0 })}</p>
      <table className="data">
        <thead>
          <tr>
            <th scope="col">{t('reconciliation.col.figure')}</th>
            <th scope="col">{t('submitCheck.report')}</th>
            <th scope="col">{t('submitCheck.registry')}</th>
          </tr>
        </thead>
        <tbody>
          {(disagree ?? []).map((i) => (
            <tr key={i.field}>
              <th scope="row">{isReportField(i.field) ? tx(t, `reportFields.${i.field}`) : i.label}</th>
              <td className="num">{show(i.field, i.report)}</td>
              <td className="num">{show(i.field, i.registry)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="form-actions form-actions-inline">
        <button type="button" className="button" onClick={() => close(false)}>
          {t('submitCheck.back')}
        </button>
        <button type="button" className="button button-primary" onClick={() => close(true)}>
          {t('submitCheck.confirm')}
        </button>
      </div>
    </Dialog>
  );
  return { ask, dialog };
}
