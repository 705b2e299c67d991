/** The registrations of the filtered unit and year, each opening its score sheet. */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { SCORABLE, useRegistrations, type RegFilters } from '../../api/recognition';
import { Pager, useCursorPages } from '../../components/Pager';
import { ErrorMessage, Loading } from '../../components/Status';
import { formatInteger } from '../../lib/format';
import { ResultTag, sheetHref, StatusTag, titleLabel } from './parts';

export function RegistrationList({ filters, search }: { filters: RegFilters; search: string }) {
  const { t } = useTranslation();
  const pages = useCursorPages(JSON.stringify(filters));
  const list = useRegistrations(filters, pages.cursor);
  const items = list.data?.items ?? [];

  return (
    <div>
      {list.isPending && <Loading />}
      {list.isError && <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />}
      {list.isSuccess && items.length === 0 && <p className="empty">{t('recognition.none')}</p>}
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="data recog-table">
            <caption className="visually-hidden">{t('recognition.tabs.list')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('recognition.col.name')}</th>
                <th scope="col" className="hide-narrow">
                  {t('recognition.col.village')}
                </th>
                <th scope="col" className="hide-narrow">
                  {t('recognition.col.title')}
                </th>
                <th scope="col">{t('recognition.col.status')}</th>
                <th scope="col" className="num">
                  {t('recognition.col.total')}
                </th>
                <th scope="col">{t('recognition.col.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.id}>
                  <td>
                    <span className="row-title">{r.name}</span>
                    <span className="muted small recog-sub">{r.village}</span>
                  </td>
                  <td className="hide-narrow">{r.village || '—'}</td>
                  <td className="hide-narrow">{titleLabel(t, r)}</td>
                  <td>
                    <StatusTag status={r.status} />
                  </td>
                  <td className="num">
                    {r.total === null ? '—' : formatInteger(r.total)} <ResultTag reg={r} />
                  </td>
                  <td>
                    <Link className="button button-small" to={sheetHref(r.id, search)} aria-label={`${SCORABLE.includes(r.status) ? t('recognition.score') : t('recognition.view')}: ${r.name}`}>
                      {SCORABLE.includes(r.status) ? t('recognition.score') : t('recognition.view')}
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        label={t('recognition.tabs.list')}
        page={pages.page}
        nextCursor={list.data?.next_cursor}
        busy={list.isFetching}
        onPrev={pages.prev}
        onNext={pages.next}
      />
    </div>
  );
}
