/**
 * Chờ duyệt: the reports submitted by units below the signed-in approver, on the map of their
 * year, that it may approve or reopen (never those it submitted itself); the API decides the list.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useInbox } from '../../api/reports';
import { ErrorMessage, Loading } from '../../components/Status';
import { useDocumentTitle } from '../../components/UnderConstruction';
import { formatDateTime } from '../../lib/format';

export function InboxPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('inbox.title'));
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const inbox = useInbox(cursors[cursors.length - 1]);
  const items = inbox.data?.items ?? [];

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('inbox.title')}</h1>
      <p className="muted">{t('inbox.intro')}</p>
      {inbox.isPending && <Loading />}
      {inbox.isError && <ErrorMessage error={inbox.error} onRetry={() => void inbox.refetch()} />}
      {inbox.isSuccess && items.length === 0 && <p className="empty">{t('inbox.none')}</p>}
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="data">
            <caption className="visually-hidden">{t('inbox.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('reports.col.unit')}</th>
                <th scope="col">{t('reports.col.year')}</th>
                <th scope="col">{t('inbox.submittedAt')}</th>
                <th scope="col" className="hide-narrow">
                  {t('reports.col.submittedBy')}
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={`${r.unit_code}-${r.year}`}>
                  <td>
                    <Link to={`/bao-cao/${encodeURIComponent(r.unit_code)}/${r.year}`}>{r.unit_name}</Link>{' '}
                    <span className="muted small mono">{r.unit_code}</span>
                  </td>
                  <td>{r.year}</td>
                  <td className="nowrap">{r.submitted_at ? formatDateTime(r.submitted_at) : '—'}</td>
                  <td className="hide-narrow">{r.submitted_by ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {(cursors.length > 1 || inbox.data?.next_cursor) && (
        <nav className="pager" aria-label={t('inbox.title')}>
          <button type="button" className="button" disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
            ← {t('reports.prev')}
          </button>
          <button
            type="button"
            className="button"
            disabled={!inbox.data?.next_cursor}
            onClick={() => setCursors([...cursors, inbox.data?.next_cursor ?? undefined])}
          >
            {t('reports.next')} →
          </button>
        </nav>
      )}
    </section>
  );
}
