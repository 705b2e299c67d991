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
          <table className="data recog-table registry-table" role="table">
            <caption className="visually-hidden">{t('recognition.tabs.list')}</caption>
            <thead role="rowgroup">
              <tr role="row">
                <th scope="col" role="columnheader">
                  {t('recognition.col.name')}
                </th>
                <th scope="col" role="columnheader">
                  {t('recognition.col.village')}
                </th>
                <th scope="col" role="columnheader" className="hide-narrow">
                  {t('recognition.col.title')}
                </th>
                <th scope="col" role="columnheader">
                  {t('recognition.col.status')}
                </th>
                <th scope="col" role="columnheader" className="num">
                  {t('recognition.col.total')}
                </th>
                <th scope="col" role="columnheader" className="actions-col">
                  {t('recognition.col.actions')}
                </th>
              </tr>
            </thead>
            <tbody role="rowgroup">
              {items.map((r) => {
                const action = SCORABLE.includes(r.status) ? t('recognition.score') : t('recognition.view');
                return (
                  <tr key={r.id} role="row">
                    <td role="cell" className="title-col">
                      <span className="row-title">{r.name}</span>
                    </td>
                    <td role="cell" data-label={t('recognition.col.village')}>
                      {r.village || '—'}
                    </td>
                    <td role="cell" className="hide-narrow" data-label={t('recognition.col.title')}>
                      {titleLabel(t, r)}
                    </td>
                    <td role="cell" data-label={t('recognition.col.status')}>
                      <StatusTag status={r.status} />
                    </td>
                    <td role="cell" className="num" data-label={t('recognition.col.total')}>
                      <span>
                        {r.total === null ? '—' : formatInteger(r.total)} <ResultTag reg={r} />
                      </span>
                    </td>
                    <td role="cell" className="actions-col">
                      <Link className="button button-small" to={sheetHref(r.id, search)} aria-label={`${action}: ${r.name}`}>
                        {action}
                      </Link>
                    </td>
                  </tr>
                );
              })}
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
