import { useTranslation } from 'react-i18next';
import type { ReportStatus } from '../../api/reports';

export function StatusBadge({ status }: { status: ReportStatus }) {
  const { t } = useTranslation();
  return <span className={`badge badge-status-${status}`}>{t(`reports.status.${status}`)}</span>;
}
