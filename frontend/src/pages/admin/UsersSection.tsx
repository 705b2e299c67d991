/** Users inside the admin's unit scope: list, create, change, disable or enable, delete. */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  createUser,
  deleteSeenUser,
  fetchUser,
  updateSeenUser,
  updateUser,
  useUsers,
  usersKey,
  type Role,
  type User,
  type UserCreate,
  type UserUpdate,
} from '../../api/admin';
import { ApiError, problemFieldErrors } from '../../api/problem';
import { exportCsv } from '../../api/registries';
import { useAuth } from '../../auth/AuthProvider';
import { CsvButton } from '../../components/CsvButton';
import { ErrorMessage, Loading, useErrorLines } from '../../components/Status';
import { unitAsOf, useUnitLookup } from '../../components/UnitName';
import { tx } from '../../i18n/loose';
import { formatDateTime } from '../../lib/format';
import { RoleField, ScopesField, scopesFor, UnitField } from './AccessFields';
import { useUnsavedGuard } from '../../lib/useUnsavedGuard';

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

type Errors = Record<string, string[]>;

function errorsOf(e: unknown): { fields: Errors; other: string[] } {
  return problemFieldErrors(e);
}

function randomPassword(): string {
  const alphabet = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = new Uint32Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

function UserForm({
  editing,
  onSaved,
  onCancel,
}: {
  editing: { user: User; etag: string | null } | null;
  onSaved: (u: User, created: boolean) => void | Promise<void>;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const u = editing?.user;
  const [etag, setEtag] = useState(editing?.etag ?? null);
  const [username, setUsername] = useState(u?.username ?? '');
  const [displayName, setDisplayName] = useState(u?.display_name ?? '');
  const [email, setEmail] = useState(u?.email ?? '');
  const [role, setRole] = useState<Role>(u?.role ?? 'editor');
  const [scopes, setScopes] = useState<string[]>(u?.scopes ?? []);
  const [unit, setUnit] = useState(u?.unit_code ?? '');
  const [password, setPassword] = useState('');
  const [showPassword, setShowPassword] = useState(false);
  const [active, setActive] = useState(u?.is_active ?? true);
  const [errors, setErrors] = useState<Errors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useUnsavedGuard(
    !busy &&
      (username !== (u?.username ?? '') ||
        displayName !== (u?.display_name ?? '') ||
        email !== (u?.email ?? '') ||
        unit !== (u?.unit_code ?? '') ||
        password !== ''),
  );
  const heading = useRef<HTMLHeadingElement>(null);
  const lookup = useUnitLookup(unit.trim() || null);
  const lines = useErrorLines(failure);

  useEffect(() => heading.current?.focus(), []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setErrors({});
    setFailure(null);
    const local: Errors = {};
    if (!editing && !/^[A-Za-z0-9._@-]{3,120}$/.test(username)) local.username = [t('admin.usernameRule')];
    if (!displayName.trim()) local.display_name = [t('registries.form.required')];
    if ((!editing || password) && password.length < 10) local.password = [t('admin.passwordRule')];
    if (unit.trim() && !/^\d{2,5}$/.test(unit.trim())) local.unit_code = [t('reports.open.invalidCode')];
    if (Object.keys(local).length) {
      setErrors(local);
      setFailure(new Error(t('registries.form.localErrors')));
      return;
    }
    setBusy(true);
    try {
      let saved: User;
      if (!editing) {
        const body: UserCreate = {
          username: username.trim(),
          display_name: displayName.trim(),
          email: email.trim() || null,
          role,
          scopes,
          password,
          unit_code: unit.trim() || null,
        };
        const asOf = unitAsOf(lookup.data);
        if (asOf) body.unit_as_of = asOf;
        saved = await createUser(body);
      } else {
        const before = editing.user;
        const body: UserUpdate = {};
        if (displayName.trim() !== before.display_name) body.display_name = displayName.trim();
        if ((email.trim() || null) !== before.email) body.email = email.trim() || null;
        if (role !== before.role) body.role = role;
        if (JSON.stringify([...scopes].sort()) !== JSON.stringify([...before.scopes].sort())) body.scopes = scopes;
        if (unit.trim() && unit.trim() !== before.unit_code) body.unit_code = unit.trim();
        if (active !== before.is_active) body.is_active = active;
        if (password) body.password = password;
        saved = Object.keys(body).length ? await updateUser(before.id, body, etag) : before;
      }
      await onSaved(saved, !editing);
    } catch (err) {
      setErrors(errorsOf(err).fields);
      setFailure(err);
    } finally {
      setBusy(false);
    }
  }

  async function reload() {
    if (!editing) return;
    const fresh = await fetchUser(editing.user.id);
    setEtag(fresh.etag);
    setDisplayName(fresh.user.display_name);
    setEmail(fresh.user.email ?? '');
    setRole(fresh.user.role);
    setScopes(fresh.user.scopes);
    setUnit(fresh.user.unit_code ?? '');
    setActive(fresh.user.is_active);
    setFailure(null);
    setErrors({});
  }

  const fieldClass = (name: string, wide = false) => `field${wide ? ' field-wide' : ''}${errors[name] ? ' has-error' : ''}`;
  const err = (name: string) =>
    errors[name] ? (
      <p id={`${id}-${name}-error`} className="field-error">
        {errors[name].join(' · ')}
      </p>
    ) : null;
  const aria = (name: string, hint?: string) => ({
    'aria-invalid': errors[name] ? true : undefined,
    'aria-describedby': [hint, errors[name] ? `${id}-${name}-error` : ''].filter(Boolean).join(' ') || undefined,
  });
  const stale = failure instanceof ApiError && failure.status === 412;

  return (
    <form className="record-form" aria-labelledby={`${id}-title`} onSubmit={(e) => void submit(e)} noValidate>
      <h3 id={`${id}-title`} ref={heading} tabIndex={-1} className="record-form-title">
        {editing ? t('admin.editUserNamed', { name: editing.user.username }) : t('admin.addUser')}
      </h3>
      {failure !== null &&
        (stale ? (
          <div className="alert alert-warning" role="alert">
            <p className="alert-title">{t('registries.form.conflictTitle')}</p>
            <p>{t('registries.form.conflictBody')}</p>
            <button type="button" className="button button-primary" onClick={() => void reload()}>
              {t('reports.form.reload')}
            </button>
          </div>
        ) : (
          <div className="alert alert-error" role="alert">
            <p className="alert-title">{t('registries.form.saveFailed')}</p>
            <p>{lines[0]}</p>
            {lines.length > 1 && (
              <ul>
                {lines.slice(1).map((l) => (
                  <li key={l}>{l}</li>
                ))}
              </ul>
            )}
          </div>
        ))}
      <div className="field-grid record-grid">
        <div className={fieldClass('username')}>
          <label htmlFor={`${id}-username`}>{t('admin.col.username')}</label>
          <input
            id={`${id}-username`}
            value={username}
            readOnly={!!editing}
            autoComplete="off"
            maxLength={120}
            {...aria('username', `${id}-username-hint`)}
            onChange={(e) => setUsername(e.target.value)}
          />
          <span id={`${id}-username-hint`} className="hint">
            {t('admin.usernameHint')}
          </span>
          {err('username')}
        </div>
        <div className={fieldClass('display_name')}>
          <label htmlFor={`${id}-display`}>{t('admin.col.displayName')}</label>
          <input id={`${id}-display`} value={displayName} maxLength={200} {...aria('display_name')} onChange={(e) => setDisplayName(e.target.value)} />
          {err('display_name')}
        </div>
        <div className={fieldClass('email')}>
          <label htmlFor={`${id}-email`}>{t('admin.email')}</label>
          <input id={`${id}-email`} type="email" value={email} maxLength={254} {...aria('email')} onChange={(e) => setEmail(e.target.value)} />
          {err('email')}
        </div>
        <RoleField
          id={`${id}-role`}
          value={role}
          onChange={(r) => {
            setRole(r);
            setScopes((s) => scopesFor(r, s));
          }}
        />
        <UnitField
          id={`${id}-unit`}
          value={unit}
          onChange={setUnit}
          errors={errors.unit_code}
          {...(editing ? { hint: t('admin.unitEditHint') } : {})}
        />
        <div className={fieldClass('password')}>
          <label htmlFor={`${id}-password`}>{editing ? t('admin.newPassword') : t('signIn.password')}</label>
          <input
            id={`${id}-password`}
            type={showPassword ? 'text' : 'password'}
            value={password}
            autoComplete="new-password"
            maxLength={200}
            {...aria('password', `${id}-password-hint`)}
            onChange={(e) => setPassword(e.target.value)}
          />
          <span id={`${id}-password-hint`} className="hint">
            {editing ? t('admin.newPasswordHint') : t('admin.passwordRule')}
          </span>
          <span className="inline-actions">
            <label className="check small">
              <input type="checkbox" checked={showPassword} onChange={(e) => setShowPassword(e.target.checked)} />
              {t('admin.showPassword')}
            </label>
            <button
              type="button"
              className="button button-small"
              onClick={() => {
                setPassword(randomPassword());
                setShowPassword(true);
              }}
            >
              {t('admin.generatePassword')}
            </button>
          </span>
          {err('password')}
        </div>
        {editing && (
          <div className="field">
            <span className="field-label">{t('admin.col.status')}</span>
            <label className="check">
              <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} />
              {t('admin.activeLabel')}
            </label>
          </div>
        )}
        <ScopesField id={`${id}-scopes`} role={role} value={scopes} onChange={setScopes} errors={errors.scopes} />
      </div>
      <div className="form-actions form-actions-inline">
        <button type="submit" className="button button-primary" disabled={busy} aria-busy={busy}>
          {busy ? t('reports.form.saving') : editing ? t('registries.form.saveChanges') : t('admin.createUser')}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {t('registries.form.cancel')}
        </button>
      </div>
      <p className="muted small">{tx(t, 'admin.roleHelp')}</p>
    </form>
  );
}
