/**
 * Creating or changing a user account (for UsersSection): name, role, unit, scopes, password.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { createUser, fetchUser, updateUser, type Role, type User, type UserCreate, type UserUpdate } from '../../api/admin';
import { ApiError, problemFieldErrors } from '../../api/problem';
import { ErrorMessage } from '../../components/Status';
import { unitAsOf, useUnitLookup } from '../../components/UnitName';
import { tx } from '../../i18n/loose';
import { PasswordField, RoleField, ScopesField, scopesFor, UnitField } from './AccessFields';
import { FieldError, useFormState } from '../../lib/useFormState';

type Errors = Record<string, string[]>;

export function UserForm({
  editing,
  onSaved,
  onCancel,
}: {
  editing: { user: User; etag: string | null } | null;
  onSaved: (u: User, created: boolean) => void | Promise<void>;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const u = editing?.user;
  const [etag, setEtag] = useState(editing?.etag ?? null);
  const [username, setUsername] = useState(u?.username ?? '');
  const [displayName, setDisplayName] = useState(u?.display_name ?? '');
  const [email, setEmail] = useState(u?.email ?? '');
  const [role, setRole] = useState<Role>(u?.role ?? 'editor');
  const [scopes, setScopes] = useState<string[]>(u?.scopes ?? []);
  const [unit, setUnit] = useState(u?.unit_code ?? '');
  const [password, setPassword] = useState('');
  const [active, setActive] = useState(u?.is_active ?? true);
  const form = useFormState(
    username !== (u?.username ?? '') ||
      displayName !== (u?.display_name ?? '') ||
      email !== (u?.email ?? '') ||
      unit !== (u?.unit_code ?? '') ||
      password !== '',
  );
  const { id, errors, failure, busy, aria } = form;
  const heading = useRef<HTMLHeadingElement>(null);
  const lookup = useUnitLookup(unit.trim() || null);

  useEffect(() => heading.current?.focus(), []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    form.reset();
    const local: Errors = {};
    if (!editing && !/^[A-Za-z0-9._@-]{3,120}$/.test(username)) local.username = [t('admin.usernameRule')];
    if (!displayName.trim()) local.display_name = [t('registries.form.required')];
    if ((!editing || password) && password.length < 10) local.password = [t('admin.passwordRule')];
    if (unit.trim() && !/^\d{2,5}$/.test(unit.trim())) local.unit_code = [t('reports.open.invalidCode')];
    if (Object.keys(local).length) {
      form.fail(new Error(t('registries.form.localErrors')), local);
      return;
    }
    await form.run(async () => {
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
    }, (err) => problemFieldErrors(err).fields);
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
    form.reset();
  }

  const fieldClass = (name: string, wide = false) => `field${wide ? ' field-wide' : ''}${errors[name] ? ' has-error' : ''}`;
  const err = (name: string) => <FieldError form={form} name={name} />;
  const stale = failure instanceof ApiError && failure.status === 412;

  return (
    <form className="record-form" aria-labelledby={`${id}-title`} onSubmit={(e) => void submit(e)} noValidate>
      <h3 id={`${id}-title`} ref={heading} tabIndex={-1} className="record-form-title">
        {editing ? t('admin.editUserNamed', { name: editing.user.username }) : t('admin.addUser')}
      </h3>
      <div ref={form.summaryRef} tabIndex={-1} className="summary-anchor">
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
          <ErrorMessage error={failure} title={t('registries.form.saveFailed')} />
        ))}
      </div>
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
        <PasswordField
          id={`${id}-password`}
          className={fieldClass('password')}
          editing={!!editing}
          value={password}
          onChange={setPassword}
          aria={aria('password', `${id}-password-hint`)}
          error={err('password')}
        />
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
