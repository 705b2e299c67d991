/** Small pieces shared by the recognition tabs. */
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { tx } from '../../i18n/loose';
import type { Registration } from '../../api/recognition';

export function StatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  const known = ['registered', 'scored', 'returned', 'verified', 'recognised'].includes(status);
  return <span className={`badge recog-status recog-status-${status}`}>{known ? t(`recognition.status.${status as 'scored'}`) : status}</span>;
}

/** A rating band's Vietnamese name (Thông tư 44: tot, kha, trung_binh, chua_dat); another code as it is. */
export function bandLabel(t: TFunction, code: string): string {
  return tx(t, `recognition.bands.${code}`, { defaultValue: code });
}

export function ResultTag({ reg }: { reg: Pick<Registration, 'passed' | 'total'> & { rating?: string | null } }) {
  const { t } = useTranslation();
  if (reg.passed === null || reg.passed === undefined) return <span className="muted">—</span>;
  const verdict = reg.passed ? t('recognition.passed') : t('recognition.failed');
  return <span className={reg.passed ? 'recog-pass' : 'recog-fail'}>{reg.rating ? `${bandLabel(t, reg.rating)} · ${verdict}` : verdict}</span>;
}

export function titleLabel(t: TFunction, reg: Pick<Registration, 'title' | 'target_group'>): string {
  const title = tx(t, `recognition.titles.${reg.title}`);
  return reg.target_group ? `${title} · ${tx(t, `recognition.groups.${reg.target_group}`)}` : title;
}

/** The link to a registrant's sheet, carrying the list's filters (for next/previous). */
export function sheetHref(id: number, search: string): string {
  return `/cong-nhan/phieu/${id}${search ? `?${search}` : ''}`;
}
