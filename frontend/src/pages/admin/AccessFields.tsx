/** The fields users and API keys share: role, scopes (a subset of the role's), unit. */
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ROLE_SCOPES, ROLES, type Role } from '../../api/admin';
import { UnitCombobox } from '../../components/UnitCombobox';
import { tx } from '../../i18n/loose';

export function RoleField({ id, value, onChange }: { id: string; value: Role; onChange: (r: Role) => void }) {
  const { t } = useTranslation();
  return (
    <div className="field">
      <label htmlFor={id}>{t('admin.col.role')}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as Role)}>
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {t(`roles.${r}`)}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Checkboxes of the role's scopes; none ticked means the role's defaults (all of them). */
export function ScopesField({
  id,
  role,
  value,
  onChange,
  errors,
}: {
  id: string;
  role: Role;
  value: readonly string[];
  onChange: (scopes: string[]) => void;
  errors?: string[] | undefined;
}) {
  const { t } = useTranslation();
  const allowed = ROLE_SCOPES[role];
  return (
    <fieldset className={errors?.length ? 'scopes has-error field-wide' : 'scopes field-wide'} aria-describedby={`${id}-hint`}>
      <legend>{t('admin.scopes')}</legend>
      <p id={`${id}-hint`} className="hint">
        {value.length === 0 ? t('admin.scopesDefault') : t('admin.scopesSome', { n: value.length })}
      </p>
      <div className="scope-grid">
        {allowed.map((s) => (
          <label key={s} className="check">
            <input
              type="checkbox"
              checked={value.includes(s)}
              onChange={(e) => onChange(e.target.checked ? [...value, s] : value.filter((x) => x !== s))}
            />
            <span>
              {tx(t, `admin.scope.${s.replace(':', '_')}`, { defaultValue: s })} <span className="mono small muted">{s}</span>
            </span>
          </label>
        ))}
      </div>
      {errors?.length ? <p className="field-error">{errors.join(' · ')}</p> : null}
    </fieldset>
  );
}

/** Keep only the scopes the (new) role may hold. */
export function scopesFor(role: Role, scopes: readonly string[]): string[] {
  const allowed = ROLE_SCOPES[role];
  return scopes.filter((s) => allowed.includes(s));
}

export function UnitField({
  id,
  value,
  onChange,
  errors,
  hint,
}: {
  id: string;
  value: string;
  onChange: (v: string) => void;
  errors?: string[] | undefined;
  hint?: string;
}) {
  const { t } = useTranslation();
  return (
    <UnitCombobox
      id={id}
      label={t('admin.unitCode')}
      value={value.trim()}
      onChange={onChange}
      hint={`${value.trim() ? '' : t('admin.unitEmpty')}${hint ? ` ${hint}` : ''}`.trim() || undefined}
      error={errors?.length ? errors.join(' · ') : undefined}
    />
  );
}

function randomPassword(): string {
  const alphabet = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = new Uint32Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

/** A password (new, or a replacement when `editing`), shown on request, or generated at random. */
export function PasswordField({
  id,
  className,
  editing,
  value,
  onChange,
  aria,
  error,
}: {
  id: string;
  className: string;
  editing: boolean;
  value: string;
  onChange: (v: string) => void;
  aria: { 'aria-invalid': true | undefined; 'aria-describedby': string | undefined };
  error: ReactNode;
}) {
  const { t } = useTranslation();
  const [show, setShow] = useState(false);
  return (
    <div className={className}>
      <label htmlFor={id}>{editing ? t('admin.newPassword') : t('signIn.password')}</label>
      <input
        id={id}
        type={show ? 'text' : 'password'}
        value={value}
        autoComplete="new-password"
        maxLength={200}
        {...aria}
        onChange={(e) => onChange(e.target.value)}
      />
      <span id={`${id}-hint`} className="hint">
        {editing ? t('admin.newPasswordHint') : t('admin.passwordRule')}
      </span>
      <span className="inline-actions">
        <label className="check small">
          <input type="checkbox" checked={show} onChange={(e) => setShow(e.target.checked)} />
          {t('admin.showPassword')}
        </label>
        <button
          type="button"
          className="button button-small"
          onClick={() => {
            onChange(randomPassword());
            setShow(true);
          }}
        >
          {t('admin.generatePassword')}
        </button>
      </span>
      {error}
    </div>
  );
}
