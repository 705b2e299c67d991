/**
 * The count beside "Chờ duyệt" in the menu. Loaded on demand by the layout, only for approvers: the
 * sign-in page's script carries neither it nor the reports' client (docs/benchmarks.md, first load).
 */
import { useTranslation } from 'react-i18next';
import { INBOX_PAGE_SIZE, useInbox } from '../../api/reports';
import { useAuth } from '../../auth/AuthProvider';
import { formatInteger } from '../../lib/format';

/** The count shown beside "Chờ duyệt" in the menu; nothing while loading or when none wait. */
export function InboxCount() {
  const { t } = useTranslation();
  const { me } = useAuth();
  const inbox = useInbox(undefined, Boolean(me?.scopes.includes('reports:approve')));
  const n = inbox.data?.items.length ?? 0;
  if (n === 0) return null;
  const more = Boolean(inbox.data?.next_cursor);
  return (
    <span className="badge nav-count" data-testid="inbox-count">
      {more ? `${formatInteger(INBOX_PAGE_SIZE)}+` : formatInteger(n)}
      <span className="visually-hidden"> {t('inbox.waiting', { count: n })}</span>
    </span>
  );
}
