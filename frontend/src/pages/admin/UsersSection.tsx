/** Users inside the admin's unit scope: list, create, change, disable or enable, delete. */
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { deleteSeenUser, fetchUser, updateSeenUser, useUsers, usersKey, type User } from '../../api/admin';
import { exportCsv } from '../../api/registries';
import { useAuth } from '../../auth/AuthProvider';
import { CsvButton } from '../../components/CsvButton';
import { ErrorMessage, Loading } from '../../components/Status';
import { formatDateTime } from '../../lib/format';
import { UserForm } from './UserForm';

type Editor = { mode: 'create' } | { mode: 'edit'; user: User; etag: string | null } | null;

export function UsersSection() {
  const { t } = useTranslation();
  const { me } = useAuth();
  const qc = useQueryClient();
  const users = useUsers();
  const rows = users.data?.pages.flatMap((p) => p.items) ?? [];
  const [editor, setEditor] = useState<Editor>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const [busy, setBusy] = useState<number | null>(null);

  const refresh = () => Promise.all([qc.invalidateQueries({ queryKey: usersKey }), qc.invalidateQueries({ queryKey: ['audit'] })]);

  async function act(row: User, what: () => Promise<unknown>, message: string) {
    setNotice(null);
    setFailure(null);
    setBusy(row.id);
    try {
      await what();
      setNotice(message);
    } catch (e) {
      setFailure(e);
    } finally {
      setBusy(null);
      setConfirming(null);
      await refresh();
    }
  }

  async function openEdit(row: User) {
    setNotice(null);
    setFailure(null);
    setBusy(row.id);
    try {
      const { user, etag } = await fetchUser(row.id);
      setEditor({ mode: 'edit', user, etag });
    } catch (e) {
      setFailure(e);
    } finally {
      setBusy(null);
    }
  }

  return (
    <div>
      <div className="list-head">
        <p className="count" role="status" aria-live="polite">
          {users.isSuccess && t('admin.usersCount', { n: rows.length, count: rows.length })}
        </p>
        <div className="list-tools">
          {!editor && (
            <button
              type="button"
              className="button button-primary"
              onClick={() => {
                setNotice(null);
                setEditor({ mode: 'create' });
              }}
            >
              + {t('admin.addUser')}
            </button>
          )}
          <CsvButton fetchCsv={() => exportCsv('/api/v1/users', {})} filename="nguoi-dung.csv" disabled={!users.isSuccess} />
        </div>
      </div>
      <p className="notice" role="status" aria-live="polite">
        {notice}
      </p>
      {failure !== null && <ErrorMessage error={failure} title={t('registries.actionFailed')} />}
      {editor && (
        <section className="panel" aria-label={editor.mode === 'create' ? t('admin.addUser') : t('admin.editUser')}>
          <UserForm
            key={editor.mode === 'edit' ? editor.user.id : 'new'}
            editing={editor.mode === 'edit' ? editor : null}
            onCancel={() => setEditor(null)}
            onSaved={async (u, created) => {
              setEditor(null);
              setNotice(created ? t('admin.userCreated', { name: u.username }) : t('admin.userSaved', { name: u.username }));
              await refresh();
            }}
          />
        </section>
      )}
      {users.isPending && <Loading />}
      {users.isError && <ErrorMessage error={users.error} onRetry={() => void users.refetch()} />}
      {users.isSuccess && rows.length === 0 && <p className="empty">{t('admin.noUsers')}</p>}
      {rows.length > 0 && (
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
                <th scope="col">
                  {t('admin.col.status')}
                  <span className="sub small muted hide-narrow">{t('admin.col.lastLogin')}</span>
                </th>
                <th scope="col">
                  <span className="visually-hidden">{t('registries.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((u) => {
                const self = me?.kind === 'user' && me.id === u.id;
                return (
                  <tr key={u.id} className={u.is_active ? undefined : 'inactive'}>
                    <td className="mono">{u.username}</td>
                    <td className="title-col">{u.display_name}</td>
                    <td className="nowrap">
                      {t(`roles.${u.role}`)}
                      {u.scopes.length > 0 && <span className="muted small"> · {t('admin.scopesSome', { n: u.scopes.length })}</span>}
                    </td>
                    <td className="hide-narrow">
                      {u.unit_name ?? t('header.wholeCountry')}
                      {u.unit_code && <span className="sub muted small mono">{u.unit_code}</span>}
                    </td>
                    <td className="nowrap">
                      <span className={u.is_active ? 'badge badge-met' : 'badge badge-status-draft'}>
                        {u.is_active ? t('admin.active') : t('admin.inactive')}
                      </span>
                      <span className="sub muted small hide-narrow">
                        {u.last_login_at ? formatDateTime(u.last_login_at) : t('admin.neverSignedIn')}
                      </span>
                    </td>
                    <td className="actions-col">
                      {confirming === u.id ? (
                        <span className="confirm" role="group" aria-label={t('admin.confirmDeleteUser', { name: u.username })}>
                          <span className="confirm-text">{t('admin.confirmDeleteUser', { name: u.username })}</span>
                          <button
                            type="button"
                            className="button button-danger"
                            disabled={busy === u.id}
                            onClick={() => void act(u, () => deleteSeenUser(u), t('admin.userDeleted', { name: u.username }))}
                          >
                            {t('registries.delete')}
                          </button>
                          <button type="button" className="button" autoFocus onClick={() => setConfirming(null)}>
                            {t('registries.form.cancel')}
                          </button>
                        </span>
                      ) : (
                        <span className="row-actions">
                          <button
                            type="button"
                            className="button button-small"
                            disabled={busy === u.id}
                            aria-label={t('registries.editNamed', { name: u.username })}
                            onClick={() => void openEdit(u)}
                          >
                            {t('registries.edit')}
                          </button>
                          {!self && (
                            <button
                              type="button"
                              className="button button-small"
                              disabled={busy === u.id}
                              aria-label={u.is_active ? t('admin.disableNamed', { name: u.username }) : t('admin.enableNamed', { name: u.username })}
                              onClick={() =>
                                void act(
                                  u,
                                  () => updateSeenUser(u, { is_active: !u.is_active }),
                                  u.is_active ? t('admin.userDisabled', { name: u.username }) : t('admin.userEnabled', { name: u.username }),
                                )
                              }
                            >
                              {u.is_active ? t('admin.disable') : t('admin.enable')}
                            </button>
                          )}
                          {!self && (
                            <button
                              type="button"
                              className="button button-small button-quiet-danger"
                              aria-label={t('registries.deleteNamed', { name: u.username })}
                              onClick={() => setConfirming(u.id)}
                            >
                              {t('registries.delete')}
                            </button>
                          )}
                        </span>
                      )}
                    </td>
                  </tr>
                );
              })}
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
    </div>
  );
}

