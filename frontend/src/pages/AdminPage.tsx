import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { unwrap } from '../api/problem';
import { ErrorMessage, Loading } from '../components/Status';
import { useDocumentTitle } from '../components/UnderConstruction';
import { formatDateTime } from '../lib/format';

function useUsers() {
  return useInfiniteQuery({
    queryKey: ['users', 'list'],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam, signal }) =>
      unwrap(await api.GET('/api/v1/users', { params: { query: { limit: 200, cursor: pageParam } }, signal })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

function useApiKeys() {
  return useInfiniteQuery({
    queryKey: ['api-keys', 'list'],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam, signal }) =>
      unwrap(await api.GET('/api/v1/api-keys', { params: { query: { limit: 200, cursor: pageParam } }, signal })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

/** Administration, read only for now: the users and API keys inside the admin's unit scope. */
export function AdminPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('admin.title'));
  const users = useUsers();
  const keys = useApiKeys();
  const userRows = users.data?.pages.flatMap((p) => p.items) ?? [];
  const keyRows = keys.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('admin.title')}</h1>
      <p className="muted">{t('admin.intro')}</p>

      <h2>{t('admin.users')}</h2>
      {users.isPending && <Loading />}
      {users.isError && <ErrorMessage error={users.error} onRetry={() => void users.refetch()} />}
      {users.isSuccess && userRows.length === 0 && <p className="empty">{t('admin.noUsers')}</p>}
      {userRows.length > 0 && (
        <div className="table-wrap">
          <table className="data">
            <caption className="visually-hidden">{t('admin.users')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.col.username')}</th>
                <th scope="col">{t('admin.col.displayName')}</th>
                <th scope="col">{t('admin.col.role')}</th>
                <th scope="col" className="hide-narrow">
                  {t('admin.col.unit')}
                </th>
                <th scope="col">{t('admin.col.status')}</th>
                <th scope="col" className="hide-narrow">
                  {t('admin.col.lastLogin')}
                </th>
              </tr>
            </thead>
            <tbody>
              {userRows.map((u) => (
                <tr key={u.id}>
                  <td className="mono">{u.username}</td>
                  <td>{u.display_name}</td>
                  <td className="nowrap">{t(`roles.${u.role}`)}</td>
                  <td className="hide-narrow">{u.unit_name ?? t('header.wholeCountry')}</td>
                  <td className="nowrap">{u.is_active ? t('admin.active') : t('admin.inactive')}</td>
                  <td className="hide-narrow">{u.last_login_at ? formatDateTime(u.last_login_at) : t('admin.never')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {users.hasNextPage && (
        <p className="more">
          <button type="button" className="button" onClick={() => void users.fetchNextPage()}>
            {t('units.more')}
          </button>
        </p>
      )}

      <h2>{t('admin.apiKeys')}</h2>
      {keys.isPending && <Loading />}
      {keys.isError && <ErrorMessage error={keys.error} onRetry={() => void keys.refetch()} />}
      {keys.isSuccess && keyRows.length === 0 && <p className="empty">{t('admin.noKeys')}</p>}
      {keyRows.length > 0 && (
        <div className="table-wrap">
          <table className="data">
            <caption className="visually-hidden">{t('admin.apiKeys')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.col.name')}</th>
                <th scope="col">{t('admin.col.prefix')}</th>
                <th scope="col">{t('admin.col.role')}</th>
                <th scope="col" className="hide-narrow">
                  {t('admin.col.unit')}
                </th>
                <th scope="col">{t('admin.col.status')}</th>
                <th scope="col" className="hide-narrow">
                  {t('admin.col.expires')}
                </th>
                <th scope="col" className="hide-narrow">
                  {t('admin.col.lastUsed')}
                </th>
              </tr>
            </thead>
            <tbody>
              {keyRows.map((k) => (
                <tr key={k.id}>
                  <td>{k.name}</td>
                  <td className="mono">{k.prefix}</td>
                  <td className="nowrap">{t(`roles.${k.role}`)}</td>
                  <td className="hide-narrow mono">{k.unit_code ?? t('header.wholeCountry')}</td>
                  <td className="nowrap">{k.revoked_at ? t('admin.revoked') : t('admin.active')}</td>
                  <td className="hide-narrow">{k.expires_at ? formatDateTime(k.expires_at) : t('admin.noExpiry')}</td>
                  <td className="hide-narrow">{k.last_used_at ? formatDateTime(k.last_used_at) : t('admin.never')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {keys.hasNextPage && (
        <p className="more">
          <button type="button" className="button" onClick={() => void keys.fetchNextPage()}>
            {t('units.more')}
          </button>
        </p>
      )}
    </section>
  );
}
